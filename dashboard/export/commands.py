"""``python -m dashboard panels | export``: the panel list and image export from the command
line (the same figures and renderer as ``/export/…``)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from dashboard.cli import add_filter_arguments
from dashboard.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("panels", help="list the panel ids with their Chinese titles")
    p.add_argument("--json", action="store_true", help="one JSON array of {id, title, kind, unit, surfaces}")
    p.set_defaults(handler=panels_command)

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
    e.set_defaults(handler=export_command)


def fail(prog: str, message: str, code: int = 2) -> int:
    print(f"python -m dashboard {prog}: error: {message}", file=sys.stderr)
    return code


def resolve(args, store):
    """The command's filter arguments as a resolved Filter (raises FilterError)."""
    from dashboard.indicators import FilterError, resolve_filter

    if (args.start is None) != (args.end is None):
        raise FilterError("--from 与 --to 须同时给出")
    with store.engine.connect() as conn:
        return resolve_filter(conn, streets=args.street, branch=args.branch, as_of=args.as_of,
                              start=args.start, end=args.end, period=args.period)


def output_format(args, allowed: tuple[str, ...]) -> str:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".")
    return suffix if suffix in allowed else allowed[0]


def panels_command(args, store, settings: Settings) -> int:  # noqa: ARG001 - every handler takes the store and settings
    from dashboard.catalogue import PANELS_IN_ORDER

    items = [{"id": p.id, "title": p.title, "kind": p.kind, "unit": p.unit, "surfaces": sorted(p.surfaces)}
             for p in PANELS_IN_ORDER]
    if args.json:
        print(json.dumps(items, ensure_ascii=False))
    else:
        for item in items:
            print(f"{item['id']}\t{item['kind']}\t{item['title']}")
    return 0


def write_output(prog: str, args, produce, describe, errors: tuple = ()) -> int:
    """Run ``produce()`` → (bytes, filter), write the bytes to ``--out`` and say (``describe()``)
    what was written: exit 2 with the reason for bad input (``errors`` adds the command's own
    kinds of it), 3 when this machine cannot render."""
    from dashboard import export
    from dashboard.indicators import FilterError

    try:
        data, f = produce()
    except (export.ExportError, FilterError, *errors) as exc:
        return fail(prog, str(exc))
    except export.RenderUnavailable as exc:
        return fail(prog, str(exc), 3)
    Path(args.out).write_bytes(data)
    print(f"{args.out}: {len(data)} bytes ({describe()}, as of {f.as_of.isoformat()})")
    return 0


def export_command(args, store, settings: Settings) -> int:
    from dashboard import export
    from dashboard.service import DataService

    export.configure(settings)
    fmt = output_format(args, export.FORMATS)

    def produce():
        export.check_panel(args.panel_id)
        f = resolve(args, store)
        return export.export_panel(args.panel_id, DataService.configured(store, settings), f, fmt, preset=args.preset, width=args.width,
                                   height=args.height, scale=args.scale, theme=args.theme), f

    return write_output("export", args, produce, lambda: f"{fmt}, {args.panel_id}")
