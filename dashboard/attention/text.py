"""The 需关注 list in words: the briefing's sentences and the panel's table (no queries here)."""
from __future__ import annotations

from dashboard.attention.model import KIND_LABELS, PERSON_ROWS, PERSONAL_KINDS, Attention, Item
from dashboard.figures import attention_counts
from dashboard.query import records_href
from dashboard.views import Cell, TableView, ViewContext
from dashboard.wording import day_zh


def _days(item: Item) -> str:
    return "从未" if item.days is None else f"{item.days}天"


def _worst(items: list[Item]) -> Item:
    """The first of a kind's items: the list is ranked most overdue first."""
    return items[0]


def _names(items: list[Item], limit: int = 3) -> str:
    names = list(dict.fromkeys(i.subject_name for i in items))
    return "、".join(names[:limit]) + ("等" if len(names) > limit else "")


def summary_lines(a: Attention) -> list[str]:
    """需关注事项 for the briefing: one sentence per kind that has items, the worst named; a
    kind with nothing overdue is left out. Every number is one of the list's own."""
    t, out = a.thresholds, []
    meetings = a.of_kind("meetings")
    if meetings:
        w = _worst(meetings)
        branches = len({i.subject_id for i in meetings})
        out.append(f"{branches}个党支部“三会一课”或主题党日逾期,最久的已逾期{w.days}天"
                   f"({w.subject_name}的{w.detail['category']},已连续{w.detail['missed']}期未召开)。")
    problems = a.of_kind("problem_open")
    if problems:
        s = f"{len(problems)}个检视问题超过{t.problem_open_days}天未整改,最久的已{problems[0].days}天"
        median = a.summary.get("median_days_to_solve")
        out.append(s + (f";已整改问题从查摆到整改完成的中位用时为{median:g}天。" if median is not None else "。"))
    gaps = a.of_kind("four_in_one")
    if gaps:
        by_street: dict[str, list[str]] = {}
        for i in gaps:
            street, area = i.subject_name.split("·", 1)
            by_street.setdefault(street, []).append(area)
        listed = ";".join(f"{s}缺少{'、'.join(areas)}" for s, areas in by_street.items())
        out.append(f"{len(by_street)}个街道/镇“四位一体”有领域空缺({listed})。")
    for kind, words in (("site_idle", f"超过{t.site_idle_days}天无活动记录"),
                        ("site_no_liaison", "未配备联络指导员"), ("site_no_signin", "有活动缺少签到记录")):
        items = a.of_kind(kind)
        if items:
            out.append(f"{len(items)}处共建阵地{words}({_names(items)})。")
    share = a.summary.get("complete_share")
    if share is not None and a.summary.get("co_built_sites"):
        out.append(f"共建阵地“一员一簿一册”齐全率为{share * 100:.0f}%"
                   f"({a.summary['complete_sites']}/{a.summary['co_built_sites']}处)。")
    cadres = a.of_kind("contact_overdue")
    if cadres:  # people: counted, never named (a briefing travels)
        never = sum(1 for i in cadres if i.detail.get("last_contact") is None)
        out.append(f"{len(cadres)}名重点关爱对象(离休、90岁以上或失能半失能的老干部)超过{t.contact_days}天未联系"
                   f"(走访慰问记录),最久的已{cadres[0].days}天"
                   + (f",其中{never}名从未有记录。" if never else "。"))
    ledgers = a.of_kind("ledger_stale")
    if ledgers:
        never = [i for i in ledgers if i.days is None]
        stale = [i for i in ledgers if i.days is not None]
        parts = []
        if stale:
            parts.append(f"{_names(stale)}超过{t.ledger_stale_days}天未更新,最久的已{stale[0].days}天")
        if never:
            parts.append(f"{_names(never)}从未录入")
        out.append(f"{len(ledgers)}本台账需更新:" + ";".join(parts) + "。")
    if not a.items:
        out.append(f"截至{day_zh(a.as_of)},暂无需关注事项。")
    return out


HIDDEN_NAME = "(姓名不予显示)"


def subject(item: Item, names: bool) -> str:
    """The item's subject as a surface may show it: a person's name only where names are allowed."""
    return item.subject_name if names or item.kind not in PERSONAL_KINDS else f"一名{item.detail.get('cadre_type', '')}干部{HIDDEN_NAME}"


def _shown(a: Attention) -> tuple[list[Item], dict[str, int]]:
    """The items the table lists: every item, but at most PERSON_ROWS of a personal kind (the most
    overdue); and per such kind how many more there are."""
    out, more, seen = [], {}, {}
    for i in a.items:
        if i.kind in PERSONAL_KINDS:
            seen[i.kind] = seen.get(i.kind, 0) + 1
            if seen[i.kind] > PERSON_ROWS:
                more[i.kind] = more.get(i.kind, 0) + 1
                continue
        out.append(i)
    return out, more


def attention_view(a: Attention, ctx: ViewContext) -> TableView:
    """The ranked list as a table: kind, street, subject, since, days; the reason on hover. A
    personal kind shows its most overdue PERSON_ROWS people and a row linking to all of them."""
    names = ctx.street_names
    shown, more = _shown(a)
    rows, groups = [], []
    for i in shown:
        rows.append((
            Cell(KIND_LABELS[i.kind]),
            Cell(names.get(i.street_code, i.street_code) if i.street_code else "全区"),
            Cell(subject(i, ctx.names), i.why, href=records_href(i.link, ctx.filter)),
            Cell(i.since.isoformat() if i.since else "—"),
            Cell(_days(i), i.why),
        ))
        groups.append(i.kind)
        if i.kind in more and (len(groups) == len(shown) or shown[len(groups)].kind != i.kind):
            everyone = {"kind": "cadres", "contact": "overdue", "days": a.thresholds.contact_days}
            rows.append((Cell(KIND_LABELS[i.kind]), Cell("—"),
                         Cell(f"另有{more[i.kind]}名未列出,查看全部名单 ›", href=records_href(everyone, ctx.filter)),
                         Cell("—"), Cell("—")))
            groups.append(i.kind)
    rows, hidden = ctx.fit(rows)
    groups = groups[: len(rows)]
    counts = "、".join(f"{KIND_LABELS[k]}{n}项" for k, n in a.counts_by_kind.items() if n)
    note = f"共{len(a.items)}项:{counts};按类别、逾期天数由多到少排列" if a.items else "暂无需关注事项"
    if hidden:
        note += f",另有 {hidden} 项未列出"
    return TableView(("类别", "街道/镇", "对象", "起始日", "天数"), rows, note, hidden, (1.6, 1.2, 3.4, 1.2, 0.8),
                     tuple(groups))


def counts_view(a: Attention, ctx: ViewContext) -> dict:
    """The big screen's 需关注: items per kind as bars; no subject is named."""
    return attention_counts([(KIND_LABELS[k], k, n) for k, n in a.counts_by_kind.items()], ctx.theme)


def street_lines(a: Attention, street_names: dict[str, str]) -> list[str]:
    """The big screen's ticker: per kind, its count and the streets it touches (street names only)."""
    out = []
    for kind, n in a.counts_by_kind.items():
        if not n:
            continue
        streets = list(dict.fromkeys(street_names.get(i.street_code, i.street_code)
                                     for i in a.of_kind(kind) if i.street_code))
        where = f"(涉及{'、'.join(streets[:6])}{'等' if len(streets) > 6 else ''})" if streets else "(全区)"
        out.append(f"{KIND_LABELS[kind]} {n} 项{where}")
    return out
