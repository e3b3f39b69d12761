#!/usr/bin/env bash
# Maintainer step: rebuild the custom plotly.js bundle served from assets/vendor/.
#
#   bash scripts/build-plotly-bundle.sh
#
# Needs node >= 20 and npm with access to the npm registry. Output (committed):
#   assets/vendor/plotly-zq.min.js        plotly.js core + bar, heatmap, scattermap (+ scatter, always in core)
#   assets/vendor/plotly-locale-zh-cn.js  the zh-CN locale as shipped in plotly.js/dist
#
# It mirrors plotly.js's own `npm run custom-bundle` (tasks/custom_bundle.mjs, which is
# not in the npm tarball): an index that registers only the wanted traces, bundled by
# esbuild with the package's esbuild-config.js settings (iife, global Plotly, inline CSS,
# glsl, NODE_DEBUG=false, regl/stream aliases, es2016), the attribute-meta stripping
# plugin (descriptions are only needed for the schema), and the same UMD wrapper that
# also sets window.Plotly. Differences: the `calendars` component (world-calendars,
# non-Gregorian axis calendars) is left out because the app does not use it.
#
# Everything is pinned: the direct packages by exact version, and their transitive
# ranges by npm's --before date, so a rebuild resolves the same dependency tree.
set -euo pipefail

PLOTLY_VERSION=4.1.1               # must equal the plotly.js bundled by the python `plotly` package
ESBUILD_VERSION=0.28.2
ESBUILD_PLUGIN_GLSL_VERSION=1.4.2
ESBUILD_PLUGIN_INLINE_CSS_VERSION=0.0.1
ESBUILD_PLUGIN_ENVIRONMENT_VERSION=0.5.0
STREAM_BROWSERIFY_VERSION=3.0.0
NPM_BEFORE=2026-11-27T00:00:00Z    # resolve transitive ranges as of this date
# usage: build-plotly-bundle.sh [NAME TRACE…]; the app uses two bundles:
#   zq      bar heatmap             (default: the SVG site map needs no map library)
#   zq-map  bar heatmap scattermap  (only when DASHBOARD_MAP_TILES names a tile server)
NAME=${1:-zq}
if [ $# -gt 1 ]; then TRACES=("${@:2}"); else TRACES=(bar heatmap); fi   # scatter is in core

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="$ROOT/assets/vendor"

# Warn when the python plotly package bundles another plotly.js version: figures are
# validated by python plotly's schema, so the JS bundle should match it.
if PY_JS_VERSION=$(python3 -c 'from plotly.offline import get_plotlyjs_version as v; print(v())' 2>/dev/null); then
    if [ "$PY_JS_VERSION" != "$PLOTLY_VERSION" ]; then
        echo "WARNING: python plotly bundles plotly.js $PY_JS_VERSION but this script pins $PLOTLY_VERSION" >&2
    fi
fi

# A fixed build path: the inline-CSS plugin names its <style> element after the absolute
# path of maplibre-gl.css, so a random temp dir would make every build differ.
WORK=/tmp/plotly-bundle-build
rm -rf "$WORK"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

cat > package.json <<EOF
{
  "name": "plotly-bundle-build",
  "private": true,
  "dependencies": {
    "plotly.js": "$PLOTLY_VERSION",
    "esbuild": "$ESBUILD_VERSION",
    "esbuild-plugin-glsl": "$ESBUILD_PLUGIN_GLSL_VERSION",
    "esbuild-plugin-inline-css": "$ESBUILD_PLUGIN_INLINE_CSS_VERSION",
    "esbuild-plugin-environment": "$ESBUILD_PLUGIN_ENVIRONMENT_VERSION",
    "stream-browserify": "$STREAM_BROWSERIFY_VERSION"
  }
}
EOF
npm install --no-audit --no-fund --loglevel=error --before="$NPM_BEFORE"

# Entry point, in the shape of plotly.js/lib/index-*.js.
{
    echo "'use strict';"
    echo "var Plotly = require('plotly.js/lib/core');"
    echo "Plotly.register(["
    for t in "${TRACES[@]}"; do echo "    require('plotly.js/lib/$t'),"; done
    echo "]);"
    echo "module.exports = Plotly;"
} > index.js

cat > build.js <<'EOF'
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

const [outfile, header] = process.argv.slice(2);

// Drop schema-only meta (description, requiredOpts, otherOpts, role, hrName) from
// plotly.js sources, as plotly.js's own bundles do.
const meta = (re) => new RegExp('\\s*' + re + ',?', 'g');
const metaRegexes = [
    meta("description: '.*'"),
    meta('description: \\[[\\s\\S]*?\\]\\.join\\([\\s\\S]*?\\)'),
    meta('requiredOpts: \\[[\\s\\S]*?\\]'),
    meta('otherOpts: \\[[\\s\\S]*?\\]'),
    meta("role: '.*'"),
    meta("hrName: '.*'"),
];
const plotlySrc = path.dirname(require.resolve('plotly.js/package.json')) + path.sep;
const stripMeta = {
    name: 'strip-plotly-meta',
    setup(build) {
        build.onLoad({ filter: /\.js$/ }, async (args) => {
            if (!args.path.startsWith(plotlySrc)) return undefined;
            let code = await fs.promises.readFile(args.path, 'utf8');
            for (const re of metaRegexes) code = code.replace(re, '');
            return { contents: code, loader: 'js' };
        });
    },
};

esbuild.build({
    entryPoints: ['index.js'],
    outfile,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false }), stripMeta],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'warning',
}).then(() => {
    // Same UMD wrapper as plotly.js's dist bundles: CommonJS export, else window.Plotly.
    const body = fs.readFileSync(outfile, 'utf8');
    fs.writeFileSync(outfile, header + [
        '(function(root, factory) {',
        '  if (typeof module === "object" && module.exports) { module.exports = factory(); }',
        '  else { root.moduleName = factory(); }',
        '}(typeof self !== "undefined" ? self : this, () => {',
        body,
        'window.Plotly = Plotly;',
        'return Plotly;',
        '}));',
        '',
    ].join('\n'));
}).catch((err) => { console.error(err); process.exit(1); });
EOF

HEADER="/**
* plotly.js v$PLOTLY_VERSION (custom bundle '$NAME': scatter,$(IFS=,; echo "${TRACES[*]}"))
* Copyright 2012-2026, Plotly, Inc. All rights reserved. Licensed under the MIT license.
* Includes maplibre-gl $(node -p "require('maplibre-gl/package.json').version") (BSD-3-Clause, Copyright MapLibre contributors)
* and other MIT/BSD/ISC-licensed npm dependencies of plotly.js.
* Built by scripts/build-plotly-bundle.sh
*/
"
node build.js "plotly-$NAME.min.js" "$HEADER"

# The bundle must report the pinned version (Plotly.version comes from src/version.js).
if ! grep -q "\"$PLOTLY_VERSION\"" "plotly-$NAME.min.js"; then
    echo "ERROR: version $PLOTLY_VERSION not found in the bundle" >&2
    exit 1
fi

mkdir -p "$OUT_DIR"
cp "plotly-$NAME.min.js" "$OUT_DIR/plotly-$NAME.min.js"
cp node_modules/plotly.js/dist/plotly-locale-zh-cn.js "$OUT_DIR/plotly-locale-zh-cn.js"

SIZE=$(wc -c < "$OUT_DIR/plotly-$NAME.min.js")
echo "wrote $OUT_DIR/plotly-$NAME.min.js ($SIZE bytes, gzip -9: $(gzip -9 -c "$OUT_DIR/plotly-$NAME.min.js" | wc -c) bytes)"
echo "wrote $OUT_DIR/plotly-locale-zh-cn.js"
# The 2 MB limit for committed vendor files: scattermap (maplibre-gl + its inlined worker,
# ~1.8 MB) alone keeps this bundle above it (2,927,719 bytes for 4.1.1).
if [ "$SIZE" -ge 2000000 ]; then
    echo "WARNING: bundle is $SIZE bytes, over the 2 MB limit for committed files" >&2
fi
