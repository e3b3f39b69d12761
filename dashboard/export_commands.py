"""``python -m dashboard panels | export | briefing``: the panel list, image export and the
briefing document from the command line (same figures and renderer as the HTTP routes)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from dashboard.cli import add_filter_arguments


def register(sub) -> None:
    p = sub.add_parser("panels", help="list the panel ids with their Chinese titles")
    p.add_argument("--json", action="store_true", help="one JSON array of {id, title, kind}")
    p.set_defaults(handler=_panels)

    e = sub.add_parser("export", help="export one panel as PNG or SVG (kaleido + system Chromium)")
    e.add_argument("panel_id", metavar="PANEL-ID", help="see `python -m dashboard panels`")
    e.add_argument("--format", choices=("png", "svg"), default=None, help="default: from --out, else png")
    e.add_argument("--out", required=True, metavar="FILE", help="file to write")
    e.add_argument("--preset", choices=("slide", "a4"), help="slide = 1600×900 (16:9), a4 = 794×520 (A4 width)")
    e.add_argument("--width", type=int, help="width in CSS px (200–4000)")
    e.add_argument("--height", type=int, help="height in CSS px (200–4000)")
    e.add_argument("--scale", type=float, help="pixel density 0.5–4 (PNG), default 1")
    e.add_argument("--theme", choices=("light", "dark"), default="light")
    add_filter_arguments(e)
    e.set_defaults(handler=_export)

    b = sub.add_parser("briefing", help="write the briefing (简报) as an A4 PDF or 16:9 slides")
    b.add_argument("--out", required=True, metavar="FILE", help="FILE.pdf, FILE.pptx or FILE.html")
    b.add_argument("--format", choices=("pdf", "pptx", "html"), default=None, help="default: from --out, else pdf")
    b.add_argument("--charts", metavar="IDS", help="comma-separated panel ids (default: a standard set)")
    add_filter_arguments(b)
    b.set_defaults(handler=_briefing)


def _fail(prog: str, message: str, code: int = 2) -> int:
    print(f"python -m dashboard {prog}: error: {message}", file=sys.stderr)
    return code


def _panels(args, store) -> int:  # noqa: ARG001
    from dashboard.panels import PANELS

    items = [{"id": p.id, "title": p.title, "kind": p.kind} for p in PANELS.values()]
    if args.json:
        print(json.dumps(items, ensure_ascii=False))
    else:
        for item in items:
            print(f"{item['id']}\t{item['kind']}\t{item['title']}")
    return 0


def _resolve(args, store):
    from dashboard.indicators import FilterError, resolve_filter

    if (args.start is None) != (args.end is None):
        raise FilterError("--from 与 --to 须同时给出")
    with store.engine.connect() as conn:
        return resolve_filter(conn, streets=args.street, branch=args.branch, as_of=args.as_of,
                              start=args.start, end=args.end, period=args.period)


def _format(args, allowed: tuple[str, ...]) -> str:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".")
    return suffix if suffix in allowed else allowed[0]


def _export(args, store) -> int:
    from dashboard import export
    from dashboard.indicators import FilterError
    from dashboard.service import DataService

    fmt = _format(args, export.FORMATS)
    try:
        export.check_panel(args.panel_id)
        f = _resolve(args, store)
        data = export.export_panel(args.panel_id, DataService(store), f, fmt, preset=args.preset, width=args.width,
                                   height=args.height, scale=args.scale, theme=args.theme)
    except (export.ExportError, FilterError) as exc:
        return _fail("export", str(exc))
    except export.RenderUnavailable as exc:
        return _fail("export", str(exc), 3)
    Path(args.out).write_bytes(data)
    print(f"{args.out}: {len(data)} bytes ({fmt}, {args.panel_id}, as of {f.as_of.isoformat()})")
    return 0


def _briefing(args, store) -> int:
    from dashboard import briefing, export
    from dashboard.indicators import FilterError
    from dashboard.service import DataService

    fmt = _format(args, ("pdf", "pptx", "html"))
    svc = DataService(store)
    try:
        charts = briefing.parse_charts(args.charts)
        f = _resolve(args, store)
        if fmt == "pptx":
            data = briefing.build_pptx(svc, f, charts)
        elif fmt == "html":
            data = briefing.build_html(svc, f, charts).encode("utf-8")
        else:
            data = briefing.build_pdf(svc, f, charts)
    except (briefing.BriefingError, export.ExportError, FilterError) as exc:
        return _fail("briefing", str(exc))
    except export.RenderUnavailable as exc:
        return _fail("briefing", str(exc), 3)
    Path(args.out).write_bytes(data)
    print(f"{args.out}: {len(data)} bytes ({fmt}, as of {f.as_of.isoformat()}, charts: {','.join(charts)})")
    return 0
