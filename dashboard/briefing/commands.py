"""``python -m dashboard briefing``: the briefing as an A4 PDF, 16:9 slides or its HTML page."""
from __future__ import annotations

from dashboard.cli import add_filter_arguments
from dashboard.export.commands import output_format, resolve, write_output
from dashboard.settings import Settings


def register(sub) -> None:
    b = sub.add_parser("briefing", help="write the briefing (简报) as an A4 PDF or 16:9 slides")
    b.add_argument("--out", required=True, metavar="FILE", help="FILE.pdf, FILE.pptx or FILE.html")
    b.add_argument("--format", choices=("pdf", "pptx", "html"), default=None, help="default: from --out, else pdf")
    b.add_argument("--charts", metavar="IDS", help="comma-separated panel ids (default: the catalogue's briefing panels)")
    add_filter_arguments(b)
    b.set_defaults(handler=briefing_command)


def briefing_command(args, store, settings: Settings) -> int:
    from dashboard import briefing, export
    from dashboard.service import DataService

    export.configure(settings)
    fmt = output_format(args, ("pdf", "pptx", "html"))
    builders = {"pptx": briefing.build_pptx, "pdf": briefing.build_pdf,
                "html": lambda *a: briefing.build_html(*a).encode("utf-8")}
    charts = ()

    def produce():
        nonlocal charts
        charts = briefing.parse_charts(args.charts)
        f = resolve(args, store)
        return builders[fmt](DataService.configured(store, settings), f, charts), f

    return write_output("briefing", args, produce, lambda: f"{fmt}, charts: {','.join(charts)}",
                        (briefing.BriefingError,))
