"""Table and list builders: indicator rows in, a :class:`~dashboard.views.TableView` out. No queries here."""
from __future__ import annotations

from dashboard import vocab, wording
from dashboard.indicators.breakdowns import ActivityRow
from dashboard.indicators.three_meetings import BranchMeetings
from dashboard.query import records_href
from dashboard.views import Cell, TableView, ViewContext


def meetings_order(rows: list[BranchMeetings]) -> list[BranchMeetings]:
    """Worst first: status, then the share of due periods covered, then the name."""
    return sorted(rows, key=lambda r: (wording.STATUS_ORDER[r.status], r.rate if r.rate is not None else 2, r.name))


# the branches a page lists at most, worst first: a district ten times Zhangqiu's has some 500,
# whose table (six links a row) made the staff page's answer 200 KB and its drawing slow; the
# rest are one link away (the 党支部 list)
MEETING_ROWS = 100


def three_meetings(rows: list[BranchMeetings], ctx: ViewContext) -> TableView:
    """Held against required per branch and kind, worst first, the status in words."""
    kinds = tuple(vocab.THREE_MEETINGS_ONE_LECTURE)
    ordered = meetings_order(rows)
    if ctx.max_rows is not None:
        ordered, hidden = ctx.fit(ordered)
    else:
        ordered, hidden = ordered[:MEETING_ROWS], max(0, len(ordered) - MEETING_ROWS)
    names = ctx.street_names
    table_rows = []
    for r in ordered:
        meetings = {"kind": "activities", "org": r.org_id, "meetings": 1}
        cells = [Cell(r.name, f"查看{r.name}的“三会一课”记录", href=records_href(meetings, ctx.filter)),
                 Cell(names.get(r.street_code, r.street_code))]
        cells += [Cell(f"{r.held[k]}/{r.required[k]}", f"已开{r.held[k]}次,应开{r.required[k]}次,落实{r.covered[k]}个周期",
                       href=records_href({"kind": "activities", "org": r.org_id, "category": k}, ctx.filter))
                  for k in kinds]
        cells.append(Cell(wording.STATUS_WORDS[r.status], status=r.status))
        table_rows.append(tuple(cells))
    note = "单元格为统计期间内已开/应开次数"
    if hidden:
        note += f";按落实情况由差到好排列,另有 {hidden} 个党支部未列出"
        if ctx.max_rows is None:  # a page (an image has no links): the rest are one click away
            table_rows.append((Cell(f"另有{hidden:,}个党支部未列出,查看全部党支部 ›",
                                    href=records_href({"kind": "branches"}, ctx.filter)),
                               *(Cell("—") for _ in range(len(kinds) + 2))))
    return TableView(("党支部", "街道/镇", *kinds, "状态"), table_rows, note, hidden, (3.2, 1.3, 1.2, 1, 1, 1, 1))


def latest_activities(rows: list[ActivityRow], ctx: ViewContext) -> TableView:  # noqa: ARG001 - every builder takes the context
    """Newest first: day, category, name, street and headcount."""
    return TableView(("日期", "类别", "活动", "街道/镇", "参与人数"),
                     [(Cell(r.date.isoformat()), Cell(r.category), Cell(r.name), Cell(r.street_name),
                       Cell(f"{r.participants}人")) for r in rows],
                     widths=(1.2, 1.2, 3.4, 1.2, 1))
