"""Panels as images for briefings: any catalogued panel as a PNG or SVG with its caption,
rendered by kaleido in the system Chromium with a CJK font; nothing is fetched from the network.

    png = export_panel("sites-by-street", svc, f, "png", preset="a4")

or in two steps, ``fig = export_figure(panel_id, svc, f, size=size_for(preset="slide"))`` then
``render(fig, "png", size.width, size.height)``. Bad parameters raise :class:`ExportError`
(a Chinese message); a machine that cannot render correctly raises :class:`RenderUnavailable`.
"""
from dashboard.export.panel_figures import (
    check_panel,
    content_disposition,
    decorate,
    export_figure,
    export_panel,
    export_url,
    filename,
    is_demo,
    number_figure,
    panel_figure,
    table_figure,
)
from dashboard.export.rendering import (
    FontMissing,
    Renderer,
    RenderUnavailable,
    browser_path,
    check_cjk_font,
    cjk_fonts,
    configure,
    render,
    renderer,
)
from dashboard.export.sizes import (
    DEFAULT_PRESET,
    FORMATS,
    PRESETS,
    THEMES,
    ExportError,
    Size,
    UnknownPanel,
    check_format,
    check_theme,
    size_for,
)

__all__ = [
    "DEFAULT_PRESET", "FORMATS", "PRESETS", "THEMES", "ExportError", "FontMissing", "RenderUnavailable", "Renderer",
    "Size", "UnknownPanel", "browser_path", "check_cjk_font", "check_format", "check_panel", "check_theme",
    "cjk_fonts", "configure", "content_disposition", "decorate", "export_figure", "export_panel", "export_url",
    "filename", "is_demo", "number_figure", "panel_figure", "render", "renderer", "size_for", "table_figure",
]
