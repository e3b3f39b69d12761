"""The briefing's summary: figures in, Chinese sentences out, in the register of the bureau's
own report. Every number in a sentence is one of the figures given; a sentence whose figure is
zero or missing is left out."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from dashboard import vocab, wording
from dashboard.indicators import Filter
from dashboard.indicators.kpi import KpiValues
from dashboard.wording import day_zh


def _change(now: int, ago: int | None, unit: str) -> str:
    """", 较上年同期增加N{unit}" — only when there is a year-ago figure to compare with."""
    return wording.change(now, ago).sentence(unit) if ago else ""


def _listing(parts: list[str]) -> str:
    return "、".join(p for p in parts if p)


def summary(now: KpiValues, f: Filter, where: str = "全区", year_ago: KpiValues | None = None,
            meetings: dict[str, int] | None = None) -> list[str]:
    """Sentences in the register of the bureau's own report, from the figures only.

    ``where`` names the scope ("全区", street names, or a branch); ``meetings`` counts branches
    by 三会一课 status (green/amber/red/none). District-wide records (newsletter, 红色记忆,
    problems solved) are named as such."""
    out: list[str] = []
    ago = year_ago
    as_of = day_zh(f.as_of)

    if now.active_branches:
        s = f"截至{as_of},{where}共有离退休干部党支部{now.active_branches}个"
        if now.functional_branches and now.established_branches:
            s += f",其中建制型党支部{now.established_branches}个、功能型党支部{now.functional_branches}个"
        elif now.functional_branches:
            s += ",均为功能型党支部"
        if now.party_members:
            s += f";离退休干部党员{now.party_members}名"
        out.append(s + "。")

    if now.volunteer_teams:
        s = f"{where}老干部志愿服务队伍{now.volunteer_teams}支"
        if now.volunteers:
            s += f"、志愿者{now.volunteers}人" + _change(now.volunteers, ago.volunteers if ago else None, "人")
        out.append(s + "。")

    theatres = now.sites_by_type.get(vocab.THEATRE, 0)
    site_parts = []
    if now.co_built_sites:
        site_parts.append(f"共建阵地{now.co_built_sites}处")
    if now.standardised_shared_rooms:
        site_parts.append(f"规范化共享式党员活动室{now.standardised_shared_rooms}处")
    if theatres:
        site_parts.append(f"芳华剧场{theatres}处")
    if now.education_bases:
        site_parts.append(f"关心下一代教育基地{now.education_bases}处")
    if site_parts:
        out.append(f"阵地建设方面,{where}现有" + _listing(site_parts) + "。")

    if now.activities:
        s = (f"{day_zh(f.start)}至{day_zh(f.end)},共开展各类活动{now.activities}场次"
             + _change(now.activities, ago.activities if ago else None, "场次"))
        if now.participants:
            s += f",参与活动{now.participants}人"
        kinds = []
        for category in (vocab.PRACTICE, vocab.NEXT_GENERATION, vocab.THEME_DAY):
            n = now.activities_by_category.get(category, 0)
            if n:
                kinds.append(f"{category}活动{n}场次" if category != vocab.THEME_DAY else f"主题党日{n}场次")
        if kinds:
            s += ",其中" + _listing(kinds)
        out.append(s + "。")

    if meetings:
        # 全部达标: every due period covered (the status words are wording.STATUS_WORDS)
        parts = [f"{meetings[k]}个党支部{'全部' if k == 'green' else ''}{wording.STATUS_WORDS[k]}"
                 for k in ("green", "amber", "red") if meetings.get(k)]
        if parts:
            out.append("“三会一课”落实方面," + ",".join(parts) + "。")

    records = []
    if now.newsletter_issues:
        records.append(f"《章丘老干部参考》累计编印{now.newsletter_issues}期")
    if now.oral_history_interviewees:
        records.append(f"“红色记忆”累计采访{now.oral_history_interviewees}人")
    if now.problems_solved:
        records.append(f"检视整改问题{now.problems_solved}个")
    if records:
        out.append("全区" + ",".join(records) + "。")
    return out


def meetings_by_status(rows: Sequence) -> dict[str, int]:
    return dict(Counter(r.status for r in rows))


