"""Plotly figure builders: plain data in, a figure as plain data out (:data:`Figure`). No queries here.

Every builder takes a ``theme`` ("light" for the staff page and exports, "dark" for the big
screen) and draws "暂无数据" instead of bare axes when there is nothing to show.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass

from dashboard import geo, vocab, wording
from dashboard.indicators.breakdowns import MemberStructure, SiteRow, StreetRow

FONT_FAMILY = ('"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
               '"WenQuanYi Micro Hei", sans-serif')
EMPTY_TEXT = wording.EMPTY

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
COLORWAY = ["#B22222", "#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#7F7F7F"]


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


Figure = dict
"""A plotly figure as plain JSON-ready data, which ``dcc.Graph`` and kaleido take as they are.

Builders write these dicts directly: ``go.Figure`` validates every property on every
assignment, and six charts took ~300 ms of a filter change that way; as dicts they take ~1 ms.
``go.Figure(fig)`` still validates one (the tests do, for every builder)."""


def plain(text: object) -> str:
    """``text`` as plotly draws it: literally, never as markup.

    plotly.js reads every string it draws (trace text, tick labels, legend names, hover values,
    annotations, titles, table cells) as a subset of HTML: ``<a href>`` becomes a real link,
    ``<b>``, ``<br>``, ``<span style>`` are obeyed. Names from the ledgers are untrusted, so every
    one that goes into a figure goes through here. plotly.js decodes numeric entities and
    ``&lt; &gt; &amp;`` (not ``&quot;``) when it draws, so the escaped text shows as typed.
    Not for codes that callbacks read back (customdata[0]) nor for MapLibre labels, which
    draw their text as it is."""
    return html.escape(str(text), quote=True).replace("&quot;", "&#34;")


def merge(base: dict, extra: dict) -> dict:
    """``base`` updated by ``extra``, nested dicts merged rather than replaced."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def axis_style(theme: str) -> dict:
    t = THEMES[theme]
    # no automargin: it makes plotly measure every label and lay the chart out twice, which
    # doubled the drawing time of a page of charts; the builders size their margins (label_px)
    return {"gridcolor": t.grid, "linecolor": t.grid, "zerolinecolor": t.grid, "automargin": False,
            "tickfont": {"color": t.text}, "title": {"font": {"color": t.text}, "standoff": 12}}


def font_size(theme: str) -> int:
    return 13 if theme == "light" else 16


def label_px(labels, size: int) -> int:
    """About how wide the longest label draws, in px: a CJK character is as wide as the font
    size, a Latin letter or digit about 0.6 of it. Used for margins instead of automargin."""
    def width(text: str) -> float:
        return sum(size if ord(ch) > 0x2E80 else 0.6 * size for ch in str(text))
    return round(max((width(x) for x in labels), default=0))


def base_layout(theme: str, *, show_legend: bool = True, axes: int = 1, **extra) -> dict:
    """The theme's layout: fonts, colours, margins and ``axes`` pairs of styled x/y axes, with ``extra`` merged on top."""
    t = THEMES[theme]
    layout = {
        "font": {"family": FONT_FAMILY, "color": t.text, "size": font_size(theme)},
        "paper_bgcolor": t.paper, "plot_bgcolor": t.plot, "colorway": COLORWAY,
        "margin": {"l": 48, "r": 16, "t": 16, "b": 40},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"color": t.text}},
        "hoverlabel": {"font": {"family": FONT_FAMILY}, "align": "left"}, "hovermode": "closest",
        "separators": ".,", "autotypenumbers": "strict", "showlegend": show_legend,
    }
    for i in range(1, axes + 1):
        suffix = "" if i == 1 else str(i)
        layout[f"xaxis{suffix}"] = axis_style(theme)
        layout[f"yaxis{suffix}"] = axis_style(theme)
    return merge(layout, extra)


def _note(text: str, theme: str) -> dict:
    """A centred annotation: the empty state's words."""
    return {"text": text, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "showarrow": False,
            "font": {"size": 18, "color": THEMES[theme].muted}}


def empty(theme: str = "light", text: str = EMPTY_TEXT) -> Figure:
    """A figure that says there is nothing to show, with no bare axes."""
    return {"data": [], "layout": base_layout(theme, show_legend=False, annotations=[_note(text, theme)],
                                              xaxis={"visible": False}, yaxis={"visible": False})}


def count_axis(largest: int) -> dict:
    """An axis of whole counts: no 0.5 ticks when the largest value is small."""
    return {"rangemode": "tozero", "tickformat": ",d", **({"dtick": 1} if largest <= 5 else {})}


def sites_by_street(rows: list[tuple[str, str, str, int]], theme: str = "light") -> Figure:
    """Stacked bars: sites by type for each street. customdata is [street code, site type]: the
    click filter reads [0], a drill to the records (dashboard.records) both."""
    if not rows:
        return empty(theme)
    order: dict[str, str] = {}
    for code, name, _, _ in rows:
        order.setdefault(name, code)
    names = list(order)
    labels = [plain(n) for n in names]
    data = []
    for site_type in vocab.SITE_TYPES:
        counts = {name: n for _, name, t, n in rows if t == site_type}
        if counts:
            data.append({
                "type": "bar", "name": plain(site_type), "x": labels, "y": [counts.get(n, 0) for n in names],
                "customdata": [[order[n], plain(site_type)] for n in names],
                "marker": {"color": SITE_COLOURS[site_type]},
                "hovertemplate": "%{x}<br>" + plain(site_type) + ":%{y}处<extra></extra>",
            })
    size = font_size(theme)
    return {"data": data, "layout": base_layout(
        theme, barmode="stack", clickmode="event", margin={"l": 64, "b": round(label_px(names, size) * 0.75) + size + 8},
        yaxis={"title": {"text": "站点数(处)"}, **count_axis(max(_stack_totals(data), default=0))},
        xaxis={"tickangle": -45})}


def _stack_totals(data: list[dict]) -> list[int]:
    return [sum(col) for col in zip(*(trace["y"] for trace in data))]


def activities_by_month(rows: list[tuple[str, str, int]], theme: str = "light") -> Figure:
    """Stacked bars by month and category; customdata is [month, category] (escaped), for the drill."""
    if not rows:
        return empty(theme)
    months = sorted({m for m, _, _ in rows})
    data = []
    for category in vocab.ACTIVITY_CATEGORIES:
        counts = {m: n for m, c, n in rows if c == category}
        if counts:
            data.append({"type": "bar", "name": plain(category), "x": [plain(m) for m in months],
                         "y": [counts.get(m, 0) for m in months], "marker": {"color": CATEGORY_COLOURS[category]},
                         "customdata": [[plain(m), plain(category)] for m in months],
                         "hovertemplate": "%{x}<br>" + plain(category) + ":%{y}场<extra></extra>"})
    # room under the months for plotly to turn them (up to upright) when they do not fit side by side
    size = font_size(theme)
    return {"data": data, "layout": base_layout(
        theme, barmode="stack", legend={"font": {"size": 11}},
        margin={"l": 64, "b": max(64, label_px(months, size) + size), "r": 48},
        yaxis={"title": {"text": "活动场次"}, **count_axis(max(_stack_totals(data), default=0))},
        xaxis={"type": "category"})}


def volunteers_by_team(rows: list[tuple[str, int]], theme: str = "light", top: int = 15) -> Figure:
    """The largest teams as horizontal bars; customdata is the team's name (escaped), for the drill."""
    if not rows:
        return empty(theme)
    rows = rows[:top][::-1]
    counts = [n for _, n in rows]
    bar = {"type": "bar", "x": counts, "y": [plain(name) for name, _ in rows], "orientation": "h",
           "marker": {"color": THEMES[theme].accent}, "text": counts, "textposition": "outside",
           "cliponaxis": False, "hovertemplate": "%{y}:%{x}人<extra></extra>",
           "customdata": [plain(name) for name, _ in rows]}
    size = font_size(theme)
    return {"data": [bar], "layout": base_layout(
        theme, show_legend=False, margin={"l": label_px([name for name, _ in rows], size) + 16, "r": 40,
                                          "b": 2 * size + 24},
        xaxis={"title": {"text": "志愿者(人)"}, **count_axis(max(counts))})}


def member_structure(ms: MemberStructure, theme: str = "light") -> Figure:
    """Three small bar charts side by side: cadre type, age band, gender. customdata is each
    bar's slice as :class:`MemberStructure` names it (escaped; the age band with 岁), for the drill."""
    if sum(ms.by_gender.values()) == 0:
        return empty(theme)
    t = THEMES[theme]
    # the ages go on the axis without 岁 (the title carries the unit) so that they fit upright
    ages = {label.removesuffix("岁"): n for label, n in ms.by_age_band.items()}
    parts = (("干部类别", ms.by_cadre_type, t.accent), ("年龄段(岁)", ages, "#0072B2"),
             ("性别", ms.by_gender, "#009E73"))
    slices = (list(ms.by_cadre_type), list(ms.by_age_band), list(ms.by_gender))
    # each chart as wide as its number of bars, so that the four age bands get room too
    gap = 0.08
    span = (1 - gap * (len(parts) - 1)) / sum(len(counts) for _, counts, _ in parts)
    data, titles, axes = [], [], {}
    left = 0.0
    for i, (title, counts, colour) in enumerate(parts, start=1):
        suffix = "" if i == 1 else str(i)
        width = span * len(counts)
        data.append({"type": "bar", "x": [plain(k) for k in counts], "y": list(counts.values()),
                     "marker": {"color": colour}, "customdata": [plain(k) for k in slices[i - 1]],
                     "text": list(counts.values()), "textposition": "outside", "cliponaxis": False,
                     "hovertemplate": f"{plain(title)}:%{{x}}:%{{y}}人<extra></extra>", "xaxis": f"x{suffix}",
                     "yaxis": f"y{suffix}"})
        axes[f"xaxis{suffix}"] = {"domain": [left, left + width], "anchor": f"y{suffix}", "tickangle": 0}
        axes[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "rangemode": "tozero", "showticklabels": False}
        titles.append({"text": plain(title), "x": left + width / 2, "y": 1.0, "xref": "paper", "yref": "paper",
                       "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                       "font": {"size": 14 if theme == "light" else 18, "color": t.text, "family": FONT_FAMILY}})
        left += width + gap
    return {"data": data, "layout": base_layout(theme, show_legend=False, axes=3, margin={"t": 40, "l": 16},
                                                annotations=titles, **axes)}


def four_in_one(matrix: dict[str, dict[str, bool]], theme: str = "light") -> Figure:
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
    heat = {"type": "heatmap", "z": z, "x": [plain(a) for a in areas], "y": [plain(s) for s in streets], "text": text, "texttemplate": "%{text}",
            "showscale": False, "colorscale": [[0, off], [0.5, off], [0.5, on], [1, on]], "zmin": 0, "zmax": 1,
            "xgap": 2, "ygap": 2, "textfont": {"color": ink, "size": 11 if theme == "light" else 14},
            "hovertemplate": "%{y} · %{x}:%{text}<extra></extra>"}
    # a few streets keep the cell size of the whole district instead of filling the panel
    size = font_size(theme)
    return {"data": [heat], "layout": base_layout(
        theme, show_legend=False, margin={"l": label_px(streets, size) + 12, "t": size + 16, "b": 8},
        xaxis={"side": "top", "showgrid": False, "ticks": ""},
        yaxis={"showgrid": False, "ticks": "", "domain": [max(0.0, 1 - len(streets) / 18), 1]})}


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
             *, zoom: float = 8.7, selected: tuple[str, ...] = ()) -> Figure:
    """The district outline, each street's reference point and every site, one trace per type
    (the legend toggles types). customdata[0] is the street code, for cross-filtering.

    With no tile server this is a plain SVG drawing in lon/lat (no map library, nothing to
    fetch, light to load and to export); with ``tiles`` it is a MapLibre map over them."""
    if tiles:
        return _tiled_site_map(sites, streets, theme, tiles, zoom=zoom, selected=selected)
    t = THEMES[theme]
    ring = geo.outline_ring()
    data = [{"type": "scatter", "x": [p[0] for p in ring], "y": [p[1] for p in ring], "mode": "lines",
             "fill": "toself", "fillcolor": t.map_background, "line": {"color": t.outline, "width": 2.5},
             "hoverinfo": "skip", "showlegend": False, "name": "区界"}]
    for site_type, rows in _by_type(sites):
        data.append({
            "type": "scatter", "x": [s.lon for s in rows], "y": [s.lat for s in rows], "mode": "markers",
            "name": plain(site_type), "customdata": [_site_hover(s) for s in rows], "hovertemplate": _SITE_HOVER,
            "marker": {"size": 10 if theme == "light" else 14, "color": SITE_COLOURS[site_type],
                       "line": {"width": 1, "color": "#ffffff" if theme == "light" else "#0b1a33"}},
        })
    # streets last: their names sit on top of the site markers
    data.append({
        "type": "scatter", "x": [s.lon for s in streets], "y": [s.lat for s in streets], "mode": "markers+text",
        "text": [plain(s.name) for s in streets], "textposition": "top center",
        "textfont": {"size": 12 if theme == "light" else 16, "color": t.text, "shadow": "auto"},
        "marker": {"size": [16 if s.code in selected else 9 for s in streets], "symbol": "diamond",
                   "color": [t.accent if s.code in selected else t.muted for s in streets]},
        "customdata": [_street_hover(s) for s in streets], "name": "街道/镇",
        "hovertemplate": "%{customdata[1]}<br>点击筛选本街道<extra></extra>",
    })
    lat0 = math.radians(DISTRICT_CENTRE["lat"])
    layout = base_layout(
        theme, margin={"l": 0, "r": 0, "t": 0, "b": 0}, clickmode="event", dragmode="pan",
        legend=_map_legend(theme),
        xaxis={"visible": False, "range": [min(p[0] for p in ring) - 0.03, max(p[0] for p in ring) + 0.03]},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1 / math.cos(lat0),
               "range": [min(p[1] for p in ring) - 0.02, max(p[1] for p in ring) + 0.02]},
    )
    if not sites:
        layout["annotations"] = [_note(EMPTY_TEXT, theme)]
    return {"data": data, "layout": layout}


def _by_type(sites: list[SiteRow]) -> list[tuple[str, list[SiteRow]]]:
    """The sites grouped by type, in the vocabulary's order (one legend entry each)."""
    groups = [(site_type, [s for s in sites if s.type == site_type]) for site_type in vocab.SITE_TYPES]
    return [(site_type, rows) for site_type, rows in groups if rows]


def _map_legend(theme: str) -> dict:
    return {"orientation": "v", "x": 0.01, "y": 0.99, "xanchor": "left", "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0.85)" if theme == "light" else "rgba(11,26,51,0.85)"}


_SITE_HOVER = ("<b>%{customdata[1]}</b><br>类型:%{customdata[2]}<br>街道:%{customdata[3]}"
               "<br>社区:%{customdata[4]}<br>启用:%{customdata[5]}<extra></extra>")


def _site_hover(s: SiteRow) -> list:
    """customdata[0] is the raw street code (read back by the click filter, never drawn); [1]–[5]
    are drawn; [6] is the site's id (never drawn), for the drill to its records."""
    return [s.street_code, plain(s.name), plain(s.type), plain(s.street_name), plain(s.community or "—"),
            s.opened_on.isoformat(), s.id]


def _street_hover(s: StreetRow) -> list:
    """customdata[0] is the raw street code for the click filter; [1] the name the hover draws."""
    return [s.code, plain(s.name)]


def _tiled_site_map(sites: list[SiteRow], streets: list[StreetRow], theme: str, tiles: str, *,
                    zoom: float, selected: tuple[str, ...]) -> Figure:
    t = THEMES[theme]
    # the street labels are drawn by MapLibre, which shows text as it is (plotly.js only turns
    # <br> into a line break there): escaped they would read "&amp;"; the hover is plotly's, escaped
    data = [{
        "type": "scattermap", "lon": [s.lon for s in streets], "lat": [s.lat for s in streets],
        "mode": "markers+text", "text": [s.name for s in streets], "textposition": "top center",
        "textfont": {"size": 13 if theme == "light" else 16, "color": t.text},
        "marker": {"size": [16 if s.code in selected else 10 for s in streets],
                   "color": [t.accent if s.code in selected else t.muted for s in streets], "opacity": 0.9},
        "customdata": [_street_hover(s) for s in streets], "name": "街道/镇",
        "hovertemplate": "%{customdata[1]}<br>点击筛选本街道<extra></extra>",
    }]
    for site_type, rows in _by_type(sites):
        data.append({
            "type": "scattermap", "lon": [s.lon for s in rows], "lat": [s.lat for s in rows], "mode": "markers",
            "name": plain(site_type), "marker": {"size": 11 if theme == "light" else 14, "color": SITE_COLOURS[site_type]},
            "customdata": [_site_hover(s) for s in rows], "hovertemplate": _SITE_HOVER,
        })
    outline = geo.outline_geojson()
    layout = base_layout(
        theme, clickmode="event", margin={"l": 0, "r": 0, "t": 0, "b": 0}, legend=_map_legend(theme),
        map={
            "style": map_style(theme, tiles), "center": DISTRICT_CENTRE, "zoom": zoom,
            "layers": [
                {"source": outline, "type": "fill", "color": t.outline, "opacity": 0.06, "below": "traces"},
                {"source": outline, "type": "line", "color": t.outline, "line": {"width": 2.5}},
            ],
        },
    )
    if not sites:
        layout["annotations"] = [{**_note(EMPTY_TEXT, theme), "bgcolor": t.paper if theme == "light" else "#0b1a33"}]
    return {"data": data, "layout": layout}


STATUS_COLOURS = {"green": "#2f9e5a", "amber": "#e0a800", "red": "#d64545", "none": "#7f8ea3"}


def meetings_status(statuses: list[str], theme: str = "light") -> Figure:
    """三会一课 at a glance: how many branches are 达标 / 基本达标 / 未达标 (counts written on the bars)."""
    if not statuses:
        return empty(theme)
    order = ["green", "amber", "red", "none"]
    counts = [statuses.count(s) for s in order]
    keep = [i for i, n in enumerate(counts) if n or order[i] != "none"]
    bar = {"type": "bar", "x": [counts[i] for i in keep], "y": [plain(wording.STATUS_WORDS[order[i]]) for i in keep],
           "orientation": "h", "marker": {"color": [STATUS_COLOURS[order[i]] for i in keep]},
           "text": [f"{counts[i]} 个支部" for i in keep], "textposition": "outside", "cliponaxis": False,
           "hovertemplate": "%{y}:%{x}个支部<extra></extra>", "customdata": [order[i] for i in keep]}
    return {"data": [bar], "layout": base_layout(
        theme, show_legend=False, margin={"l": 90, "r": 90, "t": 10, "b": 10},
        yaxis={"autorange": "reversed"}, xaxis={"visible": False, "rangemode": "tozero"})}


def attention_counts(counts: list[tuple[str, str, int]], theme: str = "light") -> Figure:
    """需关注 at a glance for the big screen: how many items of each kind (label, key, n), no names."""
    shown = [(label, key, n) for label, key, n in counts if n]
    if not shown:
        return empty(theme, "暂无需关注事项")
    t = THEMES[theme]
    bar = {"type": "bar", "x": [n for _, _, n in shown], "y": [plain(label) for label, _, _ in shown],
           "orientation": "h", "marker": {"color": t.accent},
           "text": [f"{n} 项" for _, _, n in shown], "textposition": "outside", "cliponaxis": False,
           "hovertemplate": "%{y}:%{x}项<extra></extra>", "customdata": [key for _, key, _ in shown]}
    return {"data": [bar], "layout": base_layout(
        theme, show_legend=False, margin={"l": 150, "r": 70, "t": 10, "b": 10},
        yaxis={"autorange": "reversed"}, xaxis={"visible": False, "rangemode": "tozero"})}
