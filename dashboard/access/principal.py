"""Who is asking, and what each role may do: the access rules, in one table.

A principal is a logged-in user (管理员 admin, 领导 leader, 街道工作人员 staff) or a signed link
(a 大屏 screen device, or an embedded panel). Street staff see only their streets; a link sees
only the page or panel and the filter it was made for.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from dashboard.indicators.filters import Filter, FilterError
from dashboard.query import FilterArgs

ADMIN, LEADER, STAFF = "admin", "leader", "staff"
SCREEN_LINK, EMBED_LINK = "screen", "embed"
ROLES = (ADMIN, LEADER, STAFF)
ROLE_NAMES = {ADMIN: "管理员", LEADER: "领导", STAFF: "街道工作人员", SCREEN_LINK: "大屏链接", EMBED_LINK: "嵌入链接"}

# What each kind of principal may do. A link's page or panel and filter are checked on top.
ACTIONS = {
    "view:overview": "查看总览",
    "view:screen": "查看大屏",
    "view:embed": "查看嵌入面板",
    "view:briefing": "查看简报",
    "schedule:briefing": "安排定期简报",
    "view:records": "查看明细记录",
    "view:names": "查看人员姓名",
    "export:image": "导出图片",
    "view:data": "查看台账导入页",
    "import": "导入台账",
    "export:data": "导出台账数据",
    "admin": "管理用户、链接与审计记录",
}
ALLOWED: dict[str, frozenset[str]] = {
    ADMIN: frozenset(ACTIONS),
    # names: whoever may download the ledgers (export:data) may read them in a list too; signed
    # links (a screen, an embed) never show a person's name
    LEADER: frozenset({"view:overview", "view:screen", "view:embed", "view:briefing", "view:records", "view:names",
                       "export:image", "view:data", "export:data", "schedule:briefing"}),
    # staff: schedules of their own streets only (dashboard.schedules.visible)
    STAFF: frozenset({"view:overview", "view:screen", "view:embed", "view:briefing", "view:records", "view:names",
                      "export:image", "view:data", "import", "export:data", "schedule:briefing"}),
    SCREEN_LINK: frozenset({"view:screen"}),
    EMBED_LINK: frozenset({"view:embed", "view:records"}),  # the one panel or list the link was made for
}


class Forbidden(PermissionError):
    """Not allowed; ``str()`` is a Chinese sentence for the user."""


@dataclass(frozen=True)
class Principal:
    name: str
    display_name: str
    role: str
    streets: tuple[str, ...] = ()        # a staff member's streets
    link_id: int | None = None
    link_target: str | None = None       # a link's page ("screen") or panel id
    link_query: str = ""                 # a link's canonical filter query string
    must_change_password: bool = False

    @property
    def is_link(self) -> bool:
        return self.link_id is not None

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]

    def may(self, action: str) -> bool:
        if self.must_change_password:
            return False
        return action in ALLOWED.get(self.role, frozenset())

    def require(self, action: str) -> None:
        if not self.may(action):
            if self.must_change_password:
                raise Forbidden("请先修改初始密码。")
            raise Forbidden(f"{self.role_name}无权{ACTIONS.get(action, action)}。")

    def opens(self, target: str) -> bool:
        """Whether a link principal may open this page or panel (users: always)."""
        return not self.is_link or self.link_target == target


def narrow(p: Principal, args: FilterArgs) -> FilterArgs:
    """The filter a principal sees when it asks for ``args`` (street names already turned into
    codes): a link sees its own filter, whatever was asked; street staff who name no street and
    no branch see their own streets. Wider requests are refused later by :func:`check`."""
    if p.is_link:
        from dashboard.query import parse_query

        return parse_query(p.link_query)
    if p.role == STAFF and not args.streets:
        # with a branch too: a branch's sub-branches may lie in other streets (区直 branches do)
        return replace(args, streets=p.streets)
    return args


def check(p: Principal, f: Filter, street_names: dict[str, str] | None = None) -> Filter:
    """``f`` unchanged if the principal may see it; else :class:`FilterError` in Chinese."""
    if p.role != STAFF:
        return f
    names = street_names or {}
    if not f.streets and not f.branch_street:
        raise FilterError("街道工作人员只能查看本人负责的街道,请选择街道")
    outside = [s for s in (*f.streets, *((f.branch_street,) if f.branch_street else ())) if s not in p.streets]
    if outside:
        own = "、".join(names.get(s, s) for s in p.streets) or "(未分配街道)"
        raise FilterError(f"无权查看{'、'.join(names.get(s, s) for s in dict.fromkeys(outside))}的数据"
                          f"(您负责的街道:{own})")
    return f


def check_link_query(p: Principal, query: str) -> None:
    """A link's pages and callbacks work on its own filter only (a tampered state is refused)."""
    if p.is_link and (query or "") != p.link_query:
        raise FilterError("此链接只能查看生成链接时设定的范围")


def resolve_scoped(conn, p: Principal, args: FilterArgs) -> Filter:
    """The filter a principal asked for, resolved against the store and checked against its
    scope: street names become codes, a link gets its own filter, staff their streets by
    default; anything wider is refused with a Chinese :class:`FilterError`."""
    from dashboard.indicators.breakdowns import streets
    from dashboard.query import canonical, resolve

    args = narrow(p, canonical(conn, args))
    if p.role == STAFF and args.branch:
        try:
            f = resolve(conn, args)
        except FilterError:
            # the store's own message would name a branch of another street
            raise FilterError("无权查看该党组织的数据,或该党组织不在您负责的街道内") from None
    else:
        f = resolve(conn, args)
    return check(p, f, {s.code: s.name for s in streets(conn)} if p.role == STAFF else None)
