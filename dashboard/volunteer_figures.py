"""Figures of what the volunteers give: service by month, street and team, and the 银发人才库.

Teams and streets only: no figure here names a person, so all of them may go on the big screen.
"""
from __future__ import annotations

from dashboard import wording
from dashboard.figures import THEMES, Figure, base_layout, count_axis, empty, font_size, label_px, plain
from dashboard.indicators.volunteering import Service, TalentPool, VolunteerService

HOURS_COLOUR, TIMES_COLOUR = "#0072B2", "#B8860B"
number = wording.number


def _hours(value: float) -> str:
    return number(round(value)) if abs(value - round(value)) < 0.05 else f"{value:,.1f}"


def service_by_month(service: VolunteerService, theme: str = "light") -> Figure:
    """Two charts, one above the other on the same months: 服务时长 (hours) and 服务人次. Not one
    chart with two y axes: each value is read against its own axis and its own title."""
    months = service.by_month
    if not any(m.activities for m in months):
        return empty(theme)
    labels = [plain(m.label) for m in months]
    hover = [f"{m.label}<br>{number(m.activities)} 场 · {number(m.person_times)} 人次 · {_hours(m.hours)} 小时"
             for m in months]
    common = {"type": "bar", "x": labels, "customdata": [m.key for m in months], "hovertext": hover,
              "hovertemplate": "%{hovertext}<extra></extra>"}
    hours = {**common, "name": "服务时长(小时)", "y": [m.hours for m in months], "marker": {"color": HOURS_COLOUR}}
    times = {**common, "name": "服务人次", "y": [m.person_times for m in months], "marker": {"color": TIMES_COLOUR},
             "xaxis": "x2", "yaxis": "y2"}
    size = font_size(theme)
    return {"data": [hours, times], "layout": base_layout(
        theme, show_legend=False, axes=2, clickmode="event",
        margin={"l": 72, "r": 16, "b": max(64, label_px([m.label for m in months], size) + size)},
        xaxis={"type": "category", "anchor": "y", "showticklabels": False, "matches": "x2"},
        yaxis={"domain": [0.45, 1], "title": {"text": "时长(小时)"}, "rangemode": "tozero"},
        # slanted so that each month ends at its tick: plotly's own slant begins there, and the
        # last month ran past the chart's right edge
        xaxis2={"type": "category", "anchor": "y2", "tickangle": -45},
        yaxis2={"domain": [0, 0.38], "title": {"text": "人次"}, **count_axis(max(m.person_times for m in months))})}


def _ranked_bars(rows: list[Service], labels: list[str], theme: str, *, customdata: list) -> Figure:
    rows, labels, customdata = rows[::-1], labels[::-1], customdata[::-1]
    hours = [r.hours for r in rows]
    bar = {"type": "bar", "orientation": "h", "x": hours, "y": [plain(x) for x in labels],
           "marker": {"color": THEMES[theme].accent}, "text": [_hours(h) for h in hours],
           "textposition": "outside", "cliponaxis": False, "customdata": customdata,
           "hovertext": [f"{plain(x)}<br>{number(r.activities)} 场 · {number(r.person_times)} 人次 · "
                         f"{_hours(r.hours)} 小时" for x, r in zip(labels, rows)],
           "hovertemplate": "%{hovertext}<extra></extra>"}
    size = font_size(theme)
    return {"data": [bar], "layout": base_layout(
        theme, show_legend=False, clickmode="event",
        margin={"l": label_px(labels, size) + 16, "r": 56, "t": 16, "b": 2 * size + 24},
        yaxis={"type": "category"},
        xaxis={"title": {"text": "服务时长(小时)"}, "rangemode": "tozero"})}


def teams_ranked(service: VolunteerService, theme: str = "light", top: int = 10) -> Figure:
    """The teams with the most service hours, the most first; customdata is the team's id."""
    rows = [t for t in service.by_team if t.activities][:top]
    if not rows:
        return empty(theme, "统计期内暂无志愿队伍服务记录")
    labels = [f"{r.label}({r.street})" if r.street and not r.label.startswith(r.street) else r.label for r in rows]
    return _ranked_bars(rows, labels, theme, customdata=[r.key for r in rows])


def service_by_street(service: VolunteerService, theme: str = "light") -> Figure:
    """Every street's service hours as a horizontal bar (every street named); customdata[0] is the
    street's code, which the page's click filter reads."""
    rows = list(service.by_street)
    if not any(r.activities for r in rows):
        return empty(theme)
    rows.sort(key=lambda r: (-r.hours, r.key))
    return _ranked_bars(rows, [r.label for r in rows], theme, customdata=[[r.key, plain(r.label)] for r in rows])


def talent_pool(pool: TalentPool, theme: str = "light") -> Figure:
    """银发人才库 by field: willing to serve and not (yet), stacked horizontal bars."""
    if pool.people == 0:
        return empty(theme, "暂无银发人才库登记")
    fields = [(name, n, w) for name, n, w in pool.by_field if n][::-1]
    labels = [plain(name) for name, _, _ in fields]
    t = THEMES[theme]
    willing = {"type": "bar", "orientation": "h", "name": "愿意参加志愿服务", "y": labels,
               "x": [w for _, _, w in fields], "marker": {"color": "#009E73"}, "customdata": labels,
               "hovertemplate": "%{y}:愿意服务 %{x} 人<extra></extra>"}
    others = {"type": "bar", "orientation": "h", "name": "未表示意愿", "y": labels,
              "x": [n - w for _, n, w in fields], "marker": {"color": t.muted}, "customdata": labels,
              "text": [f"{number(n)} 人" for _, n, _ in fields], "textposition": "outside", "cliponaxis": False,
              "hovertemplate": "%{y}:未表示意愿 %{x} 人<extra></extra>"}
    size = font_size(theme)
    return {"data": [willing, others], "layout": base_layout(
        theme, barmode="stack", margin={"l": label_px([f for f, _, _ in fields], size) + 16, "r": 64, "t": 32},
        yaxis={"type": "category"},
        xaxis={"title": {"text": "登记人数(人)"}, **count_axis(max(n for _, n, _ in fields))})}


