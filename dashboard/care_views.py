"""The care panels' views (关心照顾): the contact share by street (a figure), by branch (a table),
and this month's birthdays (a table). Plain data in, a view out; no queries here.

People's names appear only in the birthdays table and only when ``ctx.names`` says the surface
may show them (a page for a principal allowed ``view:names``).
"""
from __future__ import annotations

from dataclasses import replace

from dashboard import figures
from dashboard.figures import THEMES, Figure, base_layout, empty, font_size, label_px, plain
from dashboard.indicators.care import Birthdays, ContactShare
from dashboard.query import records_href
from dashboard.views import Cell, TableView, ViewContext

BIRTHDAY_ROWS = 30  # birthdays the staff page lists (the 寿辰 first); the rest are in the records list
HIDDEN_NAME = "(姓名不予显示)"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def contact_share(data: ContactShare, ctx: ViewContext) -> Figure:
    """Per street, the share of cadres contacted in the last N days, now and a year before, as
    horizontal bars; customdata is the street's code (a click lists its cadres not contacted)."""
    theme = ctx.theme
    streets = [r for r in data.by_street if r.cadres or r.cadres_year_ago]
    if not streets:
        return empty(theme)
    whole = "全区" if not ctx.filter.streets and ctx.filter.branch_id is None else "合计"
    # the whole scope on top; its customdata names no street, so a click on it lists all not contacted
    rows = [*streets[::-1], replace(data.total, name=whole)]
    labels = [plain(r.name) for r in rows]
    t = THEMES[theme]

    def bar(name: str, shares, colour: str, hover) -> dict:
        return {"type": "bar", "orientation": "h", "name": name, "y": labels,
                "x": [round((s or 0) * 100, 1) for s in shares], "marker": {"color": colour},
                "customdata": [[r.street_code or None] for r in rows], "text": [percent(s) for s in shares],
                "textposition": "outside", "cliponaxis": False,
                "hovertext": hover, "hovertemplate": "%{y}<br>%{hovertext}<extra></extra>"}

    now = bar("截至日", [r.share for r in rows], t.accent,
              [plain(f"近{data.days}天已联系 {r.contacted:,}/{r.cadres:,} 人,未联系 {r.cadres - r.contacted:,} 人")
               for r in rows])
    ago = bar("上年同期", [r.share_year_ago for r in rows], "#7f8ea3",
              [plain(f"上年同期已联系 {r.contacted_year_ago:,}/{r.cadres_year_ago:,} 人") for r in rows])
    size = font_size(theme)
    return {"data": [ago, now], "layout": base_layout(
        theme, barmode="group", clickmode="event", legend={"traceorder": "reversed"},
        margin={"l": label_px([r.name for r in rows], size) + 16, "r": 48, "b": 2 * size + 24},
        xaxis={"title": {"text": f"近{data.days}天联系率(%)"}, "range": [0, 105], "dtick": 20},
        yaxis={"type": "category"})}


def contact_branches(data: ContactShare, ctx: ViewContext) -> TableView:
    """Per 党支部: members (the cadres it counts), contacted in the last N days, the share now and a
    year before, and a link to the members not contacted; the lowest share first."""
    ordered = sorted(data.by_branch, key=lambda r: (r.share if r.share is not None else 2, r.name))
    ordered, hidden = ctx.fit(ordered)
    names = ctx.street_names
    rows = []
    for r in ordered:
        missed = {"kind": "cadres", "org": r.key, "contact": "no", "days": data.days}
        rows.append((
            Cell(r.name, f"查看{r.name}的在册党员", href=records_href({"kind": "cadres", "org": r.key}, ctx.filter)),
            Cell(names.get(r.street_code, r.street_code)),
            Cell(f"{r.cadres:,}"),
            Cell(f"{r.contacted:,}"),
            Cell(percent(r.share)),
            Cell(percent(r.share_year_ago), f"上年同期已联系 {r.contacted_year_ago:,}/{r.cadres_year_ago:,} 人"),
            Cell(f"{r.cadres - r.contacted:,}", "查看未联系的党员", href=records_href(missed, ctx.filter)),
        ))
    note = f"党员为截至日在册党员;已联系指近{data.days}天内有走访慰问记录;按联系率由低到高排列"
    if hidden:
        note += f",另有 {hidden} 个党支部未列出"
    return TableView(("党支部", "街道/镇", "党员", "已联系", "联系率", "上年同期", "未联系"), rows, note, hidden,
                     (3.2, 1.3, 0.9, 0.9, 0.9, 0.9, 0.9))


def birthdays(data: Birthdays, ctx: ViewContext) -> TableView:
    """This month's birthdays: the 寿辰 (80, 90, 100) first, then by day; names only where allowed."""
    rows_in = sorted(data.rows, key=lambda r: (not r.round, r.birth_date.day, -r.age))
    limit = ctx.max_rows if ctx.max_rows is not None else BIRTHDAY_ROWS
    if len(rows_in) > limit:  # the last row there is room for links to all of them
        limit = max(1, limit - 1)
    shown, hidden = rows_in[:limit], max(0, len(rows_in) - limit)
    names = ctx.street_names
    rows = []
    for r in shown:
        who = r.name if ctx.names else HIDDEN_NAME
        rows.append((
            Cell(who, href=records_href({"kind": "cadres", "person": r.person_id}, ctx.filter)),
            Cell(f"{r.birth_date.month}月{r.birth_date.day}日" if ctx.names else f"{r.birth_date.month}月"),
            Cell(f"{r.age}岁" + (" 寿辰" if r.round else "")),
            Cell(r.cadre_type),
            Cell(names.get(r.street_code, r.street_code) if r.street_code else "—"),
            Cell("已祝寿" if r.visited else "—", "本月已有生日祝寿记录" if r.visited else "本月尚无生日祝寿记录"),
        ))
    round_n = sum(r.round for r in data.rows)
    note = f"{data.year}年{data.month}月过生日 {len(data.rows):,} 人,其中寿辰(80、90、100岁){round_n:,} 人"
    if data.undated:
        note += f";{data.undated:,} 人未填写出生日期,未列入"
    if hidden:
        everyone = {"kind": "cadres", "birthday": "month"}
        rows.append((Cell(f"另有{hidden:,}人未列出,查看全部名单 ›", href=records_href(everyone, ctx.filter)),
                     Cell("—"), Cell("—"), Cell("—"), Cell("—"), Cell("—")))
    return TableView(("姓名", "生日", "年龄", "干部类别", "街道/镇", "生日祝寿"), rows, note, 0,
                     (1.6, 1.0, 1.0, 0.9, 1.2, 1.0))


def cadre_structure(data, ctx: ViewContext) -> Figure:
    """All cadres by 离休/退休, age band and gender: the member structure's chart, for every cadre."""
    return figures.member_structure(data, ctx.theme)
