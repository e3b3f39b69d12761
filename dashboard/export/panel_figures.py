"""Any catalogued panel as a plotly figure with its caption, laid out for an image size.

The panel's view (:mod:`dashboard.views`) is drawn by its kind: a number as a big figure with
its change, a chart or map as it is, a table or list as a plotly table.
"""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlencode

import plotly.graph_objects as go

from dashboard import catalogue, figures, views, wording
from dashboard.catalogue import Panel
from dashboard.export.rendering import render
from dashboard.export.sizes import (
    DEFAULT_PRESET,
    PRESETS,
    Size,
    UnknownPanel,
    check_format,
    check_theme,
    size_for,
)
from dashboard.indicators import Filter
from dashboard.views import NumberView, TableView

STATUS_FILL = {"green": "#d1fae5", "amber": "#fef3c7", "red": "#fee2e2", "none": "#f3f4f6"}


def check_panel(panel_id: str) -> Panel:
    try:
        return catalogue.panel(panel_id)
    except catalogue.UnknownPanel as exc:
        raise UnknownPanel(str(exc)) from None


def number_figure(view: NumberView, theme: str = "light") -> go.Figure:
    """A KPI card as a figure: the big number with its unit, the change against a year before
    (arrow and words), the year-ago value and the card's small print."""
    t = figures.THEMES[theme]
    fig = go.Figure()
    fig.add_annotation(text=f"{view.text}<span style='font-size:0.4em'> {view.unit}</span>", x=0.5, y=0.62,
                       font={"size": 96, "color": t.text}, name="value")
    fig.add_annotation(text=view.change.text, x=0.5, y=0.30, font={"size": 26, "color": t.accent}, name="delta")
    lines = [f"上年同期 {wording.number(view.year_ago)} {view.unit}"]
    if view.note:
        lines.append(view.note)
    fig.add_annotation(text=" · ".join(lines), x=0.5, y=0.12, font={"size": 18, "color": t.muted}, name="note")
    fig.update_annotations(xref="paper", yref="paper", showarrow=False, xanchor="center", yanchor="middle")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig.update_layout(figures.base_layout(theme, show_legend=False))


def table_figure(view: TableView, theme: str = "light") -> go.Figure:
    """A table or list as a plotly table; a status column is coloured as well as worded."""
    if not view.rows:
        return go.Figure(figures.empty(theme))
    t = figures.THEMES[theme]
    plain = t.paper if theme == "light" else "#0f2444"
    # the cells hold names from the ledgers: drawn as typed, never as plotly's pseudo-HTML
    columns = [[figures.plain(row[i].text) for row in view.rows] for i in range(len(view.columns))]
    fills = [[STATUS_FILL[row[i].status] if row[i].status and theme == "light" else plain for row in view.rows]
             for i in range(len(view.columns))]
    fig = go.Figure(go.Table(
        columnwidth=list(view.widths) or None,
        header={"values": [f"<b>{figures.plain(h)}</b>" for h in view.columns], "fill_color": "#f3f4f6" if theme == "light" else "#1b2f52",
                "align": "left", "font": {"color": t.text, "size": 14}, "line_color": t.grid, "height": 32},
        cells={"values": columns, "fill_color": fills, "align": "left", "font": {"color": t.text, "size": 13},
               "line_color": t.grid, "height": 28},
    ))
    fig.update_layout(figures.base_layout(theme, show_legend=False))
    if view.note:
        fig.update_layout(meta={"note": view.note, "hidden_rows": view.hidden})
    return fig


def chart_figure(fig: dict, theme: str = "light") -> go.Figure:  # noqa: ARG001 - the builder drew it in its theme
    return go.Figure(fig)


BY_KIND: dict[str, Callable[..., go.Figure]] = {
    "number": number_figure,
    "chart": chart_figure,
    "map": chart_figure,
    "table": table_figure,
    "list": table_figure,
}


def _font_size(width: int) -> int:
    return 12 if width < 1000 else 14 if width < 1400 else 16


def _effective(fig: go.Figure, get):
    """A layout value as plotly will use it: the figure's own, else its template's."""
    value = get(fig.layout)
    if value is None and fig.layout.template is not None:
        value = get(fig.layout.template.layout)
    return value


def decorate(fig: go.Figure, panel: Panel, scope: wording.Scope, size: Size, theme: str = "light", *,
             demo: bool = False) -> go.Figure:
    """Give an export its caption and lay it out for the size. The caption sits on top, where
    no axis can push into it: the panel's title, then the filter in words with the as-of day and
    the source (marked 演示数据 for demo data). A table's note goes in a footnote. Legends move
    to the right; fonts suit the width."""
    t = figures.THEMES[theme]
    base = _font_size(size.width)
    narrow = size.width < 1200
    # the scope names streets or a branch (untrusted); the <br> and <b> are the caption's own markup
    subtitle = f"{figures.plain(scope.text)}{'<br>' if narrow else ' · '}{figures.plain(wording.source_line(demo))}"
    top = round(base * (6.4 if narrow else 5.2))
    margins = {side: _effective(fig, lambda lay, side=side: lay.margin[side]) or 0 for side in "tblr"}
    centred = panel.kind == "number"
    note = fig.layout.meta.get("note") if isinstance(fig.layout.meta, dict) else None
    foot = round(base * 2.2) if note else 0
    margin = {"t": top + margins["t"] // 2, "b": margins["b"] + foot, "l": max(margins["l"], 24),
              "r": max(margins["r"], 24)}
    layout: dict = {
        "width": size.width, "height": size.height, "margin": margin,
        "font": {"size": base},
        "title": {"text": f"<b>{figures.plain(panel.title)}</b>",
                  "subtitle": {"text": subtitle, "font": {"size": base - 1, "color": t.muted}},
                  "x": 0.5 if centred else 0, "xanchor": "center" if centred else "left",
                  "xref": "container" if centred else "paper",
                  "yref": "container", "y": 1 - base * 0.8 / size.height, "yanchor": "top",
                  "font": {"size": base + 8, "color": t.text}},
    }
    if _effective(fig, lambda lay: lay.legend.orientation) == "h" and fig.layout.showlegend is not False:
        layout["legend"] = {"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top"}
    if centred:
        # the number fills the card: its parts scale with the free height
        free = size.height - top
        for ann, share in zip(fig.layout.annotations, (0.30, 0.075, 0.05)):
            ann.font.size = max(10, round(free * share))
    fig.update_layout(**layout)
    # an export is drawn once, at its own font size: let plotly fit the margins to the labels
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    if note:
        fig.add_annotation(text=figures.plain(note), xref="paper", yref="paper", x=0, xanchor="left", y=0, yanchor="bottom",
                           yshift=-margin["b"] + 4, showarrow=False, align="left",
                           font={"size": max(base - 2, 10), "color": t.muted}, name="footnote")
    return fig


def _table_rows_that_fit(size: Size) -> int:
    base = _font_size(size.width)
    free = size.height - round(base * 5.6) - round(base * 2.4) - 40 - 32
    return max(3, free // 28)


def panel_figure(panel_id: str, svc, f: Filter, version: int | None = None, theme: str = "light",
                 *, max_rows: int | None = None) -> go.Figure:
    """The figure of any catalogued panel, without a caption (the map as its offline drawing)."""
    panel = check_panel(panel_id)
    theme = check_theme(theme)
    version = version if version is not None else svc.version().version
    ctx = views.context(svc, f, version, theme, None, max_rows)
    return BY_KIND[panel.kind](views.panel_view(panel, svc, ctx, version), theme)


def is_demo(svc) -> bool:
    try:
        return svc.store.demo_info() is not None
    except Exception:  # noqa: BLE001 - the mark is a courtesy; no store meta means no mark
        return False


def export_figure(panel_id: str, svc, f: Filter, version: int | None = None, theme: str = "light",
                  size: Size | None = None) -> go.Figure:
    """The panel's figure with its caption, laid out for ``size`` (default: the slide preset)."""
    panel = check_panel(panel_id)
    size = size or PRESETS[DEFAULT_PRESET]
    version = version if version is not None else svc.version().version
    max_rows = _table_rows_that_fit(size) if panel.kind in ("table", "list") else None
    fig = panel_figure(panel_id, svc, f, version, theme, max_rows=max_rows)
    names = {s.code: s.name for s in svc.streets(version)}
    return decorate(fig, panel, wording.scope(f, names), size, theme, demo=is_demo(svc))


def export_panel(panel_id: str, svc, f: Filter, fmt: str = "png", *, preset: str | None = None,
                 width=None, height=None, scale=None, theme: str = "light", version: int | None = None) -> bytes:
    """PNG or SVG bytes of a panel for a resolved filter. Raises :class:`ExportError` for bad
    arguments and :class:`RenderUnavailable` when this machine cannot render correctly."""
    check_panel(panel_id)
    fmt, theme = check_format(fmt), check_theme(theme)
    size = size_for(preset, width, height, scale)
    fig = export_figure(panel_id, svc, f, version, theme, size)
    return render(fig, fmt, size.width, size.height, size.scale)


def filename(panel_id: str, f: Filter, fmt: str) -> str:
    """An ASCII file name: ``<panel-id>_<as-of>.<fmt>``."""
    return f"{panel_id}_{f.as_of.isoformat()}.{fmt}"


def content_disposition(panel_id: str, f: Filter, fmt: str) -> str:
    """``inline`` with an ASCII name and the Chinese one (RFC 6266 ``filename*``)."""
    zh = f"{check_panel(panel_id).title}_{f.as_of.isoformat()}.{fmt}"
    return f"inline; filename=\"{filename(panel_id, f, fmt)}\"; filename*=UTF-8''{quote(zh)}"


def export_url(panel_id: str, fmt: str = "png", query: str = "", *, preset: str | None = None,
               width: int | None = None, height: int | None = None, scale: float | None = None,
               theme: str | None = None) -> str:
    """The path of ``GET /export/<panel-id>.<fmt>`` for a filter query string (as given by
    ``FilterArgs.to_query()``, with or without the leading ``?``) and optional size."""
    check_panel(panel_id)
    check_format(fmt)
    extra = [(k, v) for k, v in (("preset", preset), ("width", width), ("height", height), ("scale", scale),
                                 ("theme", theme)) if v is not None]
    q = query.lstrip("?")
    if extra:
        q = f"{q}&{urlencode(extra)}" if q else urlencode(extra)
    return f"/export/{panel_id}.{fmt}" + (f"?{q}" if q else "")
