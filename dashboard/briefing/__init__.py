"""The briefing (简报): a summary written from the figures (:func:`summary`, pure), an A4 page
made for printing (:func:`build_html`), the same as a PDF printed by Chromium (:func:`build_pdf`)
or as 16:9 slides (:func:`build_pptx`). Its charts are catalogued panels, exported as images."""
from dashboard.briefing.document import (
    DEFAULT_CHARTS,
    MAX_CHARTS,
    TITLE,
    Briefing,
    BriefingError,
    briefing_html,
    build_html,
    chart_images,
    gather,
    kpi_rows,
    namespaced_svg,
    parse_charts,
)
from dashboard.briefing.printing import build_pdf, html_to_pdf
from dashboard.briefing.slides import build_pptx
from dashboard.briefing.summary import meetings_by_status, summary

__all__ = [
    "DEFAULT_CHARTS", "MAX_CHARTS", "TITLE", "Briefing", "BriefingError", "briefing_html", "build_html", "build_pdf",
    "build_pptx", "chart_images", "gather", "html_to_pdf", "kpi_rows", "meetings_by_status", "namespaced_svg",
    "parse_charts", "summary",
]
