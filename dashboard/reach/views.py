"""四就近 as panels: the coverage table, the share per street, the map of those out of reach
(grid cells only) and the suggested sites. Plain data in, a view out; no queries here."""
from __future__ import annotations

import math

import numpy as np

from dashboard import figures, geo, wording
from dashboard.figures import THEMES, base_layout, plain
from dashboard.reach import geometry
from dashboard.reach.coverage import COLUMNS, Coverage, Share
from dashboard.reach.rules import ALL_FOUR, ALL_LABEL, KINDS, LABELS, ReachRules
from dashboard.reach.suggest import CANDIDATE_M, Suggestion, Suggestions
from dashboard.views import Cell, TableView, ViewContext

HEADINGS = {**LABELS, ALL_FOUR: ALL_LABEL}
OUT_HEADINGS = {**{k: f"{LABELS[k]}未覆盖" for k in KINDS}, ALL_FOUR: "四项未全覆盖"}


def rule_text(rules: ReachRules) -> str:
    """The rule in one line, for notes and hovers."""
    return (f"就近:到最近的启用站点路程(直线距离×{rules.detour:g})不超过{wording.km(rules.street_m)}(街道)"
            f"或{wording.km(rules.town_m)}(镇)")


def _share_cell(row: Share, kind: str) -> Cell:
    share = row.share(kind)
    title = (f"{wording.number(row.within[kind])}/{wording.number(row.cadres)}人;上年同期 "
             f"{wording.percent(row.share_year_ago(kind))}({wording.points_change(share, row.share_year_ago(kind))})")
    return Cell(wording.percent(share), title)


def coverage_table(cov: Coverage, ctx: ViewContext) -> TableView:
    """Streets × the four kinds and 四项全覆盖, the scope's row first, and the change of 四项 against a year before."""
    rows, hidden = ctx.fit([cov.district, *cov.streets])
    out = []
    for r in rows:
        out.append((
            Cell(r.name), Cell(wording.number(r.cadres), f"有居住位置的老干部;未登记位置 {r.unplaced} 人" if r.unplaced else ""),
            *(_share_cell(r, k) for k in COLUMNS),
            Cell(wording.points_change(r.share(ALL_FOUR), r.share_year_ago(ALL_FOUR)),
                 f"四项全覆盖:{wording.day_zh(cov.year_ago)} {wording.percent(r.share_year_ago(ALL_FOUR))}"),
        ))
    note = f"{rule_text(cov.rules)};上年同期({wording.day_zh(cov.year_ago)})按同一规则"
    if cov.district.unplaced:
        note += f";未登记居住位置的 {wording.number(cov.district.unplaced)} 人未计入"
    if hidden:
        note += f";另有 {hidden} 个街道/镇未列出"
    return TableView(("街道/镇", "老干部(人)", *(HEADINGS[k] for k in COLUMNS), "四项较上年同期"), out, note, hidden,
                     (1.4, 1, 1, 1, 1.3, 1.2, 1.1, 1.4))


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


KIND_MARKS = {  # colour and symbol per kind: told apart without colour too
    KINDS[0]: ("#0072B2", "circle"), KINDS[1]: ("#E69F00", "square"), KINDS[2]: ("#CC79A7", "diamond"),
    KINDS[3]: ("#009E73", "triangle-up"),
}


def by_street(cov: Coverage, theme: str = "light") -> dict:
    """A dot per kind on each street's line (share within reach, 0–100 %), 四项全覆盖 as a bar
    under them with its value a year before as a tick, streets best first, and the scope's
    四项全覆盖 share as a dashed line. customdata[0] is the street code."""
    rows = [r for r in cov.streets if r.cadres]
    if not rows:
        return figures.empty(theme)
    t = THEMES[theme]
    rows.sort(key=lambda r: (-r.share(ALL_FOUR), -sum(r.share(k) for k in KINDS), r.code))
    names = [plain(r.name) for r in rows]
    hover = "<br>".join(f"{LABELS[k]} %{{customdata[{i + 1}]}}" for i, k in enumerate(KINDS))
    data = [{"type": "bar", "orientation": "h", "name": ALL_LABEL, "y": names, "x": [_pct(r.share(ALL_FOUR)) for r in rows],
             "marker": {"color": t.grid if theme == "light" else "#2a3f63"}, "width": 0.7,
             "customdata": [[r.code, *(wording.percent(r.share(k), 0) for k in KINDS)] for r in rows],
             "hovertemplate": "%{y}:四项全覆盖 %{x:.1f}%<br>" + hover + "<extra></extra>"},
            {"type": "scatter", "mode": "markers", "name": f"上年同期({ALL_LABEL})", "y": names,
             "x": [_pct(r.share_year_ago(ALL_FOUR)) for r in rows],
             "marker": {"symbol": "line-ns-open", "size": 14, "color": t.text, "line": {"width": 2, "color": t.text}},
             "hovertemplate": "%{y}:上年同期四项全覆盖 %{x:.1f}%<extra></extra>"}]
    for kind in KINDS:
        colour, symbol = KIND_MARKS[kind]
        data.append({"type": "scatter", "mode": "markers", "name": LABELS[kind], "y": names,
                     "x": [_pct(r.share(kind)) for r in rows],
                     "marker": {"color": colour, "symbol": symbol, "size": 10 if theme == "light" else 13,
                                "line": {"width": 1, "color": t.paper if theme == "light" else "#0b1a33"}},
                     "hovertemplate": f"%{{y}}:{LABELS[kind]} %{{x:.1f}}%<extra></extra>"})
    size = figures.font_size(theme)
    layout = base_layout(
        theme, margin={"l": figures.label_px(names, size) + 16, "r": 24, "t": 64, "b": 44},
        xaxis={"range": [-2, 102], "ticksuffix": "%", "title": {"text": "就近覆盖率(%)"}, "dtick": 20},
        yaxis={"type": "category", "autorange": "reversed"}, legend={"y": 1.02, "font": {"size": 11}},
    )
    whole = _pct(cov.district.share(ALL_FOUR))
    if whole is not None:
        layout["shapes"] = [{"type": "line", "xref": "x", "yref": "paper", "x0": whole, "x1": whole, "y0": 0, "y1": 1,
                             "line": {"color": t.muted, "dash": "dash", "width": 1.5}}]
    return {"data": data, "layout": layout}


_HEAT = {"light": ("#fde0c5", "#f59e0b", "#b3261e"), "dark": ("#4f6fa8", "#f2c14e", "#ff6b4a")}


def gaps_map(cov: Coverage, streets: list, theme: str = "light") -> dict:
    """The district outline and the grid cells where cadres out of reach live: one layer per
    kind (四项未全覆盖 shown, the others from the legend), the count in each cell. Cell centres
    only, never a home; drawn offline (no tiles: a grid is read against the outline and the
    street names)."""
    t = THEMES[theme]
    ring = geo.outline_ring()
    # the outline is not filled: plotly draws heatmaps under scatter traces, and a fill would hide the cells
    data = [{"type": "scatter", "x": [p[0] for p in ring], "y": [p[1] for p in ring], "mode": "lines",
             "line": {"color": t.outline, "width": 2.5}, "hoverinfo": "skip", "showlegend": False, "name": "区界"}]
    if cov.cells:
        xy = geometry.to_metres([c.lon for c in cov.cells], [c.lat for c in cov.cells])
        index = geometry.cells(xy, cov.grid_m)
        lo = index.min(axis=0)
        cols, rows = (index.max(axis=0) - lo + 1).tolist()
        xs, _ = geometry.to_degrees(geometry.cell_centres(np.column_stack((np.arange(cols) + lo[0], np.zeros(cols))), cov.grid_m))
        _, ys = geometry.to_degrees(geometry.cell_centres(np.column_stack((np.zeros(rows), np.arange(rows) + lo[1])), cov.grid_m))
        low, mid, high = _HEAT[theme]
        for i, kind in enumerate(COLUMNS):
            z = [[None] * cols for _ in range(rows)]
            for (cx, cy), cell in zip(index - lo, cov.cells):
                z[cy][cx] = cell.out[i] or None
            counts = [c.out[i] for c in cov.cells if c.out[i]]
            # a few crowded cells in the town centre would leave every other cell the palest colour:
            # the scale tops out at the 95th percentile, and the crowded cells share the darkest
            top = max(5, int(np.percentile(counts, 95))) if counts else 5
            data.append({
                "type": "heatmap", "x": [round(float(x), 6) for x in xs], "y": [round(float(y), 6) for y in ys], "z": z,
                "name": OUT_HEADINGS[kind], "showlegend": True, "visible": True if kind == ALL_FOUR else "legendonly",
                "colorscale": [[0, low], [0.5, mid], [1, high]], "zmin": 1, "zmax": top, "hoverongaps": False,
                "colorbar": {"title": {"text": "人"}, "thickness": 12, "len": 0.5, "x": 1.0, "y": 0.5,
                             "tickfont": {"color": t.text}},
                "hovertemplate": f"{OUT_HEADINGS[kind]}:%{{z}}人<br>({wording.km(cov.grid_m)}网格)<extra></extra>",
            })
    data.append({
        "type": "scatter", "x": [s.lon for s in streets], "y": [s.lat for s in streets], "mode": "markers+text",
        "text": [plain(s.name) for s in streets], "textposition": "top center", "showlegend": False,
        "textfont": {"size": 12 if theme == "light" else 16, "color": t.text, "shadow": "auto"},
        "marker": {"size": 7, "symbol": "diamond", "color": t.muted}, "name": "街道/镇", "hoverinfo": "skip",
    })
    lat0 = math.radians(figures.DISTRICT_CENTRE["lat"])
    layout = base_layout(
        theme, margin={"l": 0, "r": 0, "t": 0, "b": 0}, dragmode="pan",
        legend={"orientation": "v", "x": 0.01, "y": 0.99, "xanchor": "left", "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.85)" if theme == "light" else "rgba(11,26,51,0.85)"},
        xaxis={"visible": False, "range": [min(p[0] for p in ring) - 0.03, max(p[0] for p in ring) + 0.03]},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1 / math.cos(lat0),
               "range": [min(p[1] for p in ring) - 0.02, max(p[1] for p in ring) + 0.02]},
    )
    if not cov.cells:
        text = "所有老干部均在就近范围内" if cov.district.cadres else wording.EMPTY
        layout["annotations"] = [{"text": text, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "showarrow": False,
                                  "font": {"size": 18, "color": t.muted}}]
    return {"data": data, "layout": layout}


_DIRECTIONS = ("东", "东北", "北", "西北", "西", "西南", "南", "东南")


def where_text(s: Suggestion, streets: dict) -> str:
    """Where a suggested site is, from the street's seat: ``驻地东北约1.2公里``."""
    seat = streets.get(s.street_code)
    if seat is None:
        return ""
    metres = geo.distance_km(seat.lon, seat.lat, s.lon, s.lat) * 1000
    if metres < 200:
        return "驻地附近"
    dx = (s.lon - seat.lon) * math.cos(math.radians(seat.lat))
    angle = math.degrees(math.atan2(s.lat - seat.lat, dx)) % 360
    return f"驻地{_DIRECTIONS[round(angle / 45) % 8]}约{metres / 1000:.1f}公里"


def suggestions_table(picks: Suggestions, ctx: ViewContext) -> TableView:
    """One row per street: the kind, where, how many it adds and the share before → after."""
    rules, rows = picks.rules, picks.rows
    seats = {s.code: s for s in ctx.streets}
    shown, hidden = ctx.fit(rows)
    out = []
    for s in shown:
        place = where_text(s, seats)
        out.append((
            Cell(s.street_name), Cell(LABELS[s.kind]),
            Cell(" · ".join(x for x in (place, f"{s.lon:.4f}°E {s.lat:.4f}°N") if x), "经纬度为 WGS84,网格中心位置,供实地选址参考"),
            Cell(f"{wording.number(s.adds)}人"),
            Cell(f"{wording.percent(s.share_before)} → {wording.percent(s.share_after)}",
                 f"{LABELS[s.kind]}:{wording.number(s.within)} → {wording.number(s.within + s.adds)}/{wording.number(s.cadres)}人"),
            Cell("、".join(rules.types_of(s.kind))),
        ))
    note = (f"每个街道/镇一处:在未覆盖老干部所在的{CANDIDATE_M}米网格中心中,选出使最多本街道老干部进入就近范围的位置"
            f"(四类就近中取新增人数最多的一类);{rule_text(rules)}") if rows else "所有老干部均在就近范围内"
    if hidden:
        note += f";另有 {hidden} 个街道/镇未列出"
    return TableView(("街道/镇", "类别", "建议位置", "可新增覆盖", "覆盖率(新增后)", "可选阵地类型"), out, note, hidden,
                     (1.2, 1.4, 1.8, 1, 1.5, 2.4))
