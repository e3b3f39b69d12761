"""Who may see a schedule or an archived briefing, and how they are described (plain Chinese)."""
from __future__ import annotations

from dataclasses import replace

from dashboard.access.principal import ADMIN, LEADER, STAFF, Principal
from dashboard.access.users import UserInfo
from dashboard.schedules.repository import FORMATS, Run, Schedule, street_names
from dashboard.store import Store
from dashboard.wording import day_zh

STATE_WORDS = {"running": "生成中", "ok": "已生成", "failed": "失败", "removed": "已按保留份数删除"}


def visible(p: Principal | None, streets: tuple[str, ...]) -> bool:
    """管理员 and 领导 see every schedule and briefing; 街道工作人员 those of their own streets only
    (a district-wide one is not theirs); signed links none."""
    if p is None or p.is_link or not p.may("view:briefing"):
        return False
    if p.role in (ADMIN, LEADER):
        return True
    return p.role == STAFF and bool(streets) and set(streets) <= set(p.streets)


def may_receive(u: UserInfo, streets: tuple[str, ...]) -> bool:
    """Whether a briefing of ``streets`` may be sent to the user: an enabled account that may see
    them (one still to change its first password counts: the rule is who they are, not the session)."""
    return u.enabled and visible(replace(u.principal(), must_change_password=False), streets)


def scope_text(streets: tuple[str, ...], names: dict[str, str]) -> str:
    return "全区" if not streets else "、".join(names.get(c, c) for c in streets)


def describe(store: Store, s: Schedule, latest: Run | None) -> str:
    """One line for the CLI's list."""
    names = street_names(store)
    last = "尚未运行" if latest is None else (
        f"最近:{day_zh(latest.due_on)} {STATE_WORDS[latest.state]}"
        + (f"(第 {latest.attempts} 次:{latest.message})" if latest.state == "failed" else ""))
    return (f"#{s.id} {s.name} · {scope_text(s.streets, names)} · {s.rhythm.text} · {FORMATS[s.format]} · "
            f"保留 {s.keep} 份 · {last}")
