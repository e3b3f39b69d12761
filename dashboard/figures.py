"""Plotly figure builders: plain data in, ``go.Figure`` out. No queries here.

Every builder takes a ``theme`` ("light" for the staff page and exports, "dark" for the big
screen) and draws "暂无数据" instead of bare axes when there is nothing to show.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from dashboard import geo, vocab
from dashboard.indicators.panels import MemberStructure, SiteRow, StreetRow

FONT_FAMILY = ('"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
               '"WenQuanYi Micro Hei", sans-serif')
EMPTY_TEXT = "暂无数据"

# Okabe–Ito, distinguishable with common colour-vision deficiencies
SITE_COLOURS = {
    vocab.SHARED_ROOM: "#D55E00",
    vocab.OPEN_ROOM: "#E69F00",
    vocab.UNIVERSITY: "#0072B2",
    vocab.PRACTICE_STATION: "#009E73",
    vocab.THEATRE: "#CC79A7",
    vocab.EDUCATION_BASE: "#56B4E9",
    vocab.SANATORIUM: "#7F7F7F",
    vocab.ACTIVITY_CENTRE: "#B8860B",
}
CATEGORY_COLOURS = dict(zip(vocab.ACTIVITY_CATEGORIES, (
    "#B22222", "#D55E00", "#E69F00", "#8B4513", "#CC79A7", "#009E73", "#56B4E9", "#0072B2",
    "#6A3D9A", "#7F7F7F", "#B8860B", "#F0A3C0", "#2CA6A4",
)))
DISTRICT_CENTRE = {"lon": 117.47, "lat": 36.76}


@dataclass(frozen=True)
class Theme:
    paper: str
    plot: str
    text: str
    muted: str
    grid: str
    accent: str
    map_background: str
    outline: str


THEMES = {
    "light": Theme("#ffffff", "#ffffff", "#1f2937", "#4b5563", "#e5e7eb", "#b3261e", "#f3efe6", "#9b2226"),
    "dark": Theme("rgba(0,0,0,0)", "rgba(0,0,0,0)", "#e8edf5", "#b8c4d6", "#2a3f63", "#f2c14e", "#0f2444", "#f2c14e"),
}


@lru_cache(maxsize=None)
def _template(theme: str) -> go.layout.Template:
    """The theme as a plotly template, built once: setting it is far cheaper than the updates."""
    t = THEMES[theme]
    axis = {"gridcolor": t.grid, "linecolor": t.grid, "tickfont": {"color": t.text}, "zerolinecolor": t.grid,
            "title": {"font": {"color": t.text}}}
    template = go.layout.Template(pio.templates["plotly"])  # plotly's defaults, then ours on top
    template.layout.update({
        "font": {"family": FONT_FAMILY, "color": t.text, "size": 13 if theme == "light" else 16},
        "paper_bgcolor": t.paper, "plot_bgcolor": t.plot,
        "margin": {"l": 48, "r": 16, "t": 16, "b": 40},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"color": t.text}},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "separators": ".,",
        "xaxis": axis, "yaxis": axis,
    })
    return template


def _base(fig: go.Figure, theme: str, *, legend: bool = True, height: int | None = None) -> go.Figure:
    fig.layout.template = _template(theme)
    fig.layout.showlegend = legend
    if height:
        fig.layout.height = height
    return fig


def empty(theme: str = "light", text: str = EMPTY_TEXT) -> go.Figure:
    """A figure that says there is nothing to show, with no bare axes."""
    t = THEMES[theme]
    fig = go.Figure()
    fig.add_annotation(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 18, "color": t.muted})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base(fig, theme, legend=False)


def sites_by_street(rows: list[tuple[str, str, str, int]], theme: str = "light") -> go.Figure:
    """Stacked bars: sites by type for each street. customdata carries the street code."""
    if not rows:
        return empty(theme)
    order: dict[str, str] = {}
    for code, name, _, _ in rows:
        order.setdefault(name, code)
    names = list(order)
    fig = go.Figure()
    for site_type in vocab.SITE_TYPES:
        counts = {name: n for _, name, t, n in rows if t == site_type}
        if not counts:
            continue
        fig.add_bar(
            name=site_type, x=names, y=[counts.get(n, 0) for n in names],
            customdata=[order[n] for n in names], marker_color=SITE_COLOURS[site_type],
            hovertemplate="%{x}<br>" + site_type + ":%{y}处<extra></extra>",
        )
    fig.update_layout(barmode="stack", clickmode="event")
    fig.update_yaxes(title_text="站点数(处)", rangemode="tozero")
    fig.update_xaxes(tickangle=-45)
    return _base(fig, theme)


def activities_by_month(rows: list[tuple[str, str, int]], theme: str = "light") -> go.Figure:
    if not rows:
        return empty(theme)
    months = sorted({m for m, _, _ in rows})
    fig = go.Figure()
    for category in vocab.ACTIVITY_CATEGORIES:
        counts = {m: n for m, c, n in rows if c == category}
        if counts:
            fig.add_bar(name=category, x=months, y=[counts.get(m, 0) for m in months],
                        marker_color=CATEGORY_COLOURS[category],
                        hovertemplate="%{x}<br>" + category + ":%{y}场<extra></extra>")
    fig.update_layout(barmode="stack", legend={"font": {"size": 11}})
    fig.update_yaxes(title_text="活动场次")
    fig.update_xaxes(type="category")
    return _base(fig, theme)


def volunteers_by_team(rows: list[tuple[str, int]], theme: str = "light", top: int = 15) -> go.Figure:
    if not rows:
        return empty(theme)
    rows = rows[:top][::-1]
    t = THEMES[theme]
    fig = go.Figure(go.Bar(
        x=[n for _, n in rows], y=[name for name, _ in rows], orientation="h",
        marker_color=t.accent, text=[n for _, n in rows], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}:%{x}人<extra></extra>",
    ))
    fig.update_xaxes(title_text="志愿者(人)", rangemode="tozero")
    fig.update_yaxes(automargin=True)
    fig = _base(fig, theme, legend=False)
    fig.update_layout(margin={"r": 36})
    return fig


def member_structure(ms: MemberStructure, theme: str = "light") -> go.Figure:
    if sum(ms.by_gender.values()) == 0:
        return empty(theme)
    t = THEMES[theme]
    fig = make_subplots(rows=1, cols=3, subplot_titles=("干部类别", "年龄段", "性别"), horizontal_spacing=0.1)
    for col, data, colour in ((1, ms.by_cadre_type, t.accent), (2, ms.by_age_band, "#0072B2"),
                              (3, ms.by_gender, "#009E73")):
        fig.add_bar(x=list(data), y=list(data.values()), marker_color=colour, row=1, col=col,
                    text=list(data.values()), textposition="outside", cliponaxis=False,
                    hovertemplate="%{x}:%{y}人<extra></extra>")
    fig.update_yaxes(rangemode="tozero", showticklabels=False)
    fig.update_annotations(font={"color": t.text, "family": FONT_FAMILY})
    fig = _base(fig, theme, legend=False)
    fig.update_layout(margin={"t": 40})
    return fig


def four_in_one(matrix: dict[str, dict[str, bool]], theme: str = "light") -> go.Figure:
    """Streets × 四位一体: covered cells filled and marked ✓, the rest marked —."""
    if not matrix:
        return empty(theme)
    t = THEMES[theme]
    streets = list(matrix)[::-1]
    areas = list(vocab.FOUR_IN_ONE)
    z = [[1 if matrix[s][a] else 0 for a in areas] for s in streets]
    text = [["✓ 已覆盖" if v else "— 未覆盖" for v in row] for row in z]
    # one text colour that reads on both cell colours (≥ 4.5:1), so no colour-only meaning
    on, off, ink = ("#b7e4c7", "#f3f4f6", "#111827") if theme == "light" else ("#1e6f43", "#1b2f52", t.text)
    fig = go.Figure(go.Heatmap(
        z=z, x=areas, y=streets, text=text, texttemplate="%{text}", showscale=False,
        colorscale=[[0, off], [0.5, off], [0.5, on], [1, on]], zmin=0, zmax=1, xgap=2, ygap=2,
        textfont={"color": ink, "size": 11 if theme == "light" else 14},
        hovertemplate="%{y} · %{x}:%{text}<extra></extra>",
    ))
    fig.update_xaxes(side="top", showgrid=False)
    # a few streets keep the cell size of the whole district instead of filling the panel
    fig.update_yaxes(showgrid=False, automargin=True, domain=[max(0.0, 1 - len(streets) / 18), 1])
    return _base(fig, theme, legend=False)


def map_style(theme: str = "light", tiles: str | None = None) -> dict:
    """A MapLibre style with no remote parts: a plain background, or the configured XYZ tiles.
    Glyphs come from the app itself (CJK labels are drawn locally by the browser)."""
    t = THEMES[theme]
    layers: list[dict] = [{"id": "background", "type": "background", "paint": {"background-color": t.map_background}}]
    sources: dict = {}
    if tiles:
        sources["tiles"] = {"type": "raster", "tiles": [tiles], "tileSize": 256}
        layers.append({"id": "tiles", "type": "raster", "source": "tiles"})
    return {"version": 8, "sources": sources, "layers": layers, "glyphs": "/_glyphs/{fontstack}/{range}.pbf"}


def site_map(sites: list[SiteRow], streets: list[StreetRow], theme: str = "light", tiles: str | None = None,
             *, zoom: float = 8.7, selected: tuple[str, ...] = ()) -> go.Figure:
    """The district outline, each street's reference point and every site, one trace per type
    (the legend toggles types). customdata[0] is the street code, for cross-filtering.

    With no tile server this is a plain SVG drawing in lon/lat (no map library, nothing to
    fetch, light to load and to export); with ``tiles`` it is a MapLibre map over them."""
    if tiles:
        return _tiled_site_map(sites, streets, theme, tiles, zoom=zoom, selected=selected)
    t = THEMES[theme]
    ring = geo.outline_ring()
    fig = go.Figure()
    fig.add_scatter(x=[p[0] for p in ring], y=[p[1] for p in ring], mode="lines", fill="toself",
                    fillcolor=t.map_background, line={"color": t.outline, "width": 2.5},
                    hoverinfo="skip", showlegend=False, name="区界")
    for site_type in vocab.SITE_TYPES:
        rows = [s for s in sites if s.type == site_type]
        if rows:
            fig.add_scatter(
                x=[s.lon for s in rows], y=[s.lat for s in rows], mode="markers", name=site_type,
                marker={"size": 10 if theme == "light" else 14, "color": SITE_COLOURS[site_type],
                        "line": {"width": 1, "color": "#ffffff" if theme == "light" else "#0b1a33"}},
                customdata=[_site_hover(s) for s in rows], hovertemplate=_SITE_HOVER,
            )
    # streets last: their names sit on top of the site markers
    fig.add_scatter(
        x=[s.lon for s in streets], y=[s.lat for s in streets], mode="markers+text",
        text=[s.name for s in streets], textposition="top center",
        textfont={"size": 12 if theme == "light" else 16, "color": t.text, "shadow": "auto"},
        marker={"size": [16 if s.code in selected else 9 for s in streets], "symbol": "diamond",
                "color": [t.accent if s.code in selected else t.muted for s in streets]},
        customdata=[[s.code, s.name] for s in streets], name="街道/镇",
        hovertemplate="%{customdata[1]}<br>点击筛选本街道<extra></extra>",
    )
    lat0 = math.radians(DISTRICT_CENTRE["lat"])
    fig.update_xaxes(visible=False, range=[min(p[0] for p in ring) - 0.03, max(p[0] for p in ring) + 0.03])
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(lat0),
                     range=[min(p[1] for p in ring) - 0.02, max(p[1] for p in ring) + 0.02])
    fig = _base(fig, theme)
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, clickmode="event", dragmode="pan", hovermode="closest",
        legend={"orientation": "v", "x": 0.01, "y": 0.99, "xanchor": "left", "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.85)" if theme == "light" else "rgba(11,26,51,0.85)"},
    )
    if not sites:
        fig.add_annotation(text=EMPTY_TEXT, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                           font={"size": 18, "color": t.muted})
    return fig


_SITE_HOVER = ("<b>%{customdata[1]}</b><br>类型:%{customdata[2]}<br>街道:%{customdata[3]}"
               "<br>社区:%{customdata[4]}<br>启用:%{customdata[5]}<extra></extra>")


def _site_hover(s: SiteRow) -> list:
    return [s.street_code, s.name, s.type, s.street_name, s.community or "—", s.opened_on.isoformat()]


def _tiled_site_map(sites: list[SiteRow], streets: list[StreetRow], theme: str, tiles: str, *,
                    zoom: float, selected: tuple[str, ...]) -> go.Figure:
    t = THEMES[theme]
    fig = go.Figure()
    fig.add_scattermap(
        lon=[s.lon for s in streets], lat=[s.lat for s in streets], mode="markers+text",
        text=[s.name for s in streets], textposition="top center",
        textfont={"size": 13 if theme == "light" else 16, "color": t.text},
        marker={"size": [16 if s.code in selected else 10 for s in streets],
                "color": [t.accent if s.code in selected else t.muted for s in streets], "opacity": 0.9},
        customdata=[[s.code, s.name] for s in streets], name="街道/镇",
        hovertemplate="%{customdata[1]}<br>点击筛选本街道<extra></extra>",
    )
    for site_type in vocab.SITE_TYPES:
        rows = [s for s in sites if s.type == site_type]
        if not rows:
            continue
        fig.add_scattermap(
            lon=[s.lon for s in rows], lat=[s.lat for s in rows], mode="markers", name=site_type,
            marker={"size": 11 if theme == "light" else 14, "color": SITE_COLOURS[site_type]},
            customdata=[_site_hover(s) for s in rows], hovertemplate=_SITE_HOVER,
        )
    outline = geo.outline_geojson()
    fig.update_layout(
        map={
            "style": map_style(theme, tiles), "center": DISTRICT_CENTRE, "zoom": zoom,
            "layers": [
                {"source": outline, "type": "fill", "color": t.outline, "opacity": 0.06, "below": "traces"},
                {"source": outline, "type": "line", "color": t.outline, "line": {"width": 2.5}},
            ],
        },
        clickmode="event",
        legend={"orientation": "v", "x": 0.01, "y": 0.99, "xanchor": "left", "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.85)" if theme == "light" else "rgba(11,26,51,0.85)"},
    )
    fig = _base(fig, theme)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      legend={"orientation": "v", "x": 0.01, "y": 0.99, "yanchor": "top"})
    if not sites:
        fig.add_annotation(text=EMPTY_TEXT, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                           font={"size": 18, "color": t.muted}, bgcolor=t.paper if theme == "light" else "#0b1a33")
    return fig


def chart(panel_id: str, svc, f, version: int | None = None, theme: str = "light",  # noqa: ANN001
          tiles: str | None = None) -> go.Figure:
    """The figure of a chart panel (see ``dashboard.panels.CHARTS``) for a filter, via the data service."""
    if panel_id == "map":
        return site_map(svc.get("sites", f, version), svc.streets(version if version is not None else svc.version().version),
                        theme, tiles, selected=f.site_streets)
    builders = {
        "sites-by-street": (sites_by_street, "sites_by_street"),
        "activities-by-month": (activities_by_month, "activities_by_month"),
        "volunteers-by-team": (volunteers_by_team, "volunteers_by_team"),
        "member-structure": (member_structure, "member_structure"),
        "four-in-one": (four_in_one, "four_in_one"),
    }
    if panel_id not in builders:
        raise KeyError(panel_id)
    build, source = builders[panel_id]
    return build(svc.get(source, f, version), theme)


CHART_IDS = ("map", "sites-by-street", "activities-by-month", "volunteers-by-team", "member-structure", "four-in-one")


STATUS_LABELS = {"green": "达标", "amber": "基本达标", "red": "未达标", "none": "未到期"}
STATUS_COLOURS = {"green": "#2f9e5a", "amber": "#e0a800", "red": "#d64545", "none": "#7f8ea3"}


def meetings_status(statuses: list[str], theme: str = "light") -> go.Figure:
    """三会一课 at a glance: how many branches are 达标 / 基本达标 / 未达标 (counts written on the bars)."""
    if not statuses:
        return empty(theme)
    order = ["green", "amber", "red", "none"]
    counts = [statuses.count(s) for s in order]
    keep = [i for i, n in enumerate(counts) if n or order[i] != "none"]
    fig = go.Figure(go.Bar(
        x=[counts[i] for i in keep], y=[STATUS_LABELS[order[i]] for i in keep], orientation="h",
        marker_color=[STATUS_COLOURS[order[i]] for i in keep], text=[f"{counts[i]} 个支部" for i in keep],
        textposition="outside", cliponaxis=False, hovertemplate="%{y}:%{x}个支部<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(visible=False, rangemode="tozero")
    fig = _base(fig, theme, legend=False)
    fig.update_layout(margin={"l": 90, "r": 90, "t": 10, "b": 10})
    return fig
