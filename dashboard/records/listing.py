"""Counting and paging a drill's records on the server: sorted, searched, one page at a time."""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from dashboard import wording
from dashboard.indicators.breakdowns import streets
from dashboard.indicators.care import DEFAULT_CONTACT_DAYS
from dashboard.indicators.filters import Filter
from dashboard.records.drill import Drill, DrillError
from dashboard.records.kinds import KINDS
from dashboard.records.spec import ID, Column, Kind, one_of, street_code
from dashboard.schema import Activity, Organisation, Site, VolunteerTeam

MAX_SIZE = 200
MAX_SEARCH = 40
# where one statement gives a page and the list's length (count(*) over ()) faster than two: on
# SQLite it reads the list once (313 → 112 ms for a search of the city's participants); on
# PostgreSQL the window makes it sort the whole list where LIMIT alone keeps the top rows
# (members by name 358 ms with it), so there the count is a statement of its own (bench/records.py)
ONE_PASS = frozenset({"sqlite"})


@dataclass(frozen=True)
class RecordPage:
    """One page of a drill's records: ``rows`` are tuples of plain values in ``columns`` order;
    ``total`` counts the whole list (after the search); ``caption`` says what it is, in Chinese."""
    kind: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    total: int
    page: int
    size: int
    caption: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def without_personal(self) -> RecordPage:
        """The same page without the columns that name or identify a person."""
        keep = [i for i, c in enumerate(self.columns) if not c.personal]
        return replace(self, columns=tuple(self.columns[i] for i in keep),
                       rows=tuple(tuple(row[i] for i in keep) for row in self.rows))


def kind_of(drill: Drill) -> Kind:
    return KINDS[drill.kind]


def count(conn: Connection, drill: Drill, f: Filter) -> int:
    """How many records the drill lists: by construction the figure it was drilled from."""
    sub = kind_of(drill).rows(conn, f, drill).subquery()
    return conn.execute(select(func.count()).select_from(sub)).scalar_one()


def _count(conn: Connection, stmt) -> int:
    return conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()


def _pattern(search: str) -> str:
    """A LIKE pattern for a substring, its own % _ and \\ taken literally."""
    text = search.strip().lower()
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def page(conn: Connection, drill: Drill, f: Filter, *, sort: str | None = None, descending: bool = False,
         search: str = "", page: int = 1, size: int = 50, personal: bool = True) -> RecordPage:
    """One page of the records. ``sort``: a column key (default: the kind's own order, then
    ``descending`` is ignored); ``search``: a substring of the name or code, any case;
    ``page`` is clamped to the pages there are. ``personal=False``: for a role not allowed
    names, no sorting or searching by a personal column and none in the rows."""
    kind = kind_of(drill)
    if not 1 <= size <= MAX_SIZE:
        raise DrillError(f"每页条数应为 1 至 {MAX_SIZE}")
    if len(search) > MAX_SEARCH:
        raise DrillError(f"搜索内容不能超过 {MAX_SEARCH} 个字符")
    if sort is None:
        # the kind's own order (people: by their code) is allowed to anyone: it shows nothing
        sort, descending = kind.sort, kind.descending
    else:
        column = kind.column(sort)
        if column is None:
            labels = "、".join(f"{c.key}({c.label})" for c in kind.columns)
            raise DrillError(f"不能按“{sort}”排序(可选:{labels})")
        if column.personal and not personal:
            raise DrillError(f"无权按“{column.label}”排序")
    sub = kind.rows(conn, f, drill).subquery()
    stmt = select(*(sub.c[c.key] for c in kind.columns))
    if search.strip():
        fields = [k for k in kind.search if personal or not kind.column(k).personal]
        if not fields:
            raise DrillError("无权按姓名搜索")
        pattern = _pattern(search)
        stmt = stmt.where(or_(*(func.lower(sub.c[k]).like(pattern, escape="\\") for k in fields)))
    key = sub.c[sort]
    order = key.desc() if descending else key.asc()
    # blanks at the end, whatever the database's own habit, unless the column puts them first
    # going up (and so last going down)
    order = order.nulls_first() if kind.column(sort).blank_first and not descending else order.nulls_last()
    ordered = stmt.order_by(order, sub.c[ID])
    start = max(1, page)
    found: list = []
    if conn.dialect.name in ONE_PASS:
        # the page and the list's length in one pass (a window count): the list is read once
        found = conn.execute(ordered.add_columns(func.count().over()).offset((start - 1) * size).limit(size)).all()
    total = found[0][-1] if found else _count(conn, stmt)
    pages = max(1, -(-total // size))
    page = min(start, pages)
    if total and (not found or page != start):
        found = [(*r, total) for r in conn.execute(ordered.offset((page - 1) * size).limit(size))]
    rows = [r[:-1] for r in found]
    out = RecordPage(kind.name, kind.columns, tuple(tuple(r) for r in rows), total, page, size,
                     caption(conn, drill, f))
    return out if personal else out.without_personal()


def caption(conn: Connection, drill: Drill, f: Filter) -> str:
    """What the list is and the filter that produced it, e.g. “党员 · 明水街道 · 截至 2020年7月1日”."""
    kind = kind_of(drill)
    names = {s.code: s.name for s in streets(conn)}
    parts = [kind.noun, "全区" if kind.district else wording.where_text(f, names)]
    parts += _selector_words(conn, drill, names, f)
    if kind.dated:
        parts.append(f"{wording.day_zh(f.start)}至{wording.day_zh(f.end)}")
    else:
        parts.append(wording.as_of_text(f.as_of))
    return " · ".join(parts)


_FLAG_WORDS = {"co_built": "共建", "standardised": "规范", "meetings": "三会一课", "open": "未整改", "solved": "已整改",
               "volunteer": "志愿服务"}
_CARE_WORDS = {
    "contact": {"yes": "近{days}天已联系", "no": "近{days}天未联系", "overdue": "重点关爱对象超过{days}天未联系"},
    "birthday": {"month": "本月生日", "round": "本月寿辰(80、90、100岁)"},
}
_LABELS = {"type": "类型", "category": "类别", "area": "四位一体", "team_name": "队伍", "org_type": "组织类型",
           "bucket": "分组", "skill": "特长领域"}


def _selector_words(conn: Connection, drill: Drill, names: dict[str, str], f: Filter) -> list[str]:
    words = []
    code = street_code(conn, drill)
    if code is not None and f.streets != (code,):  # a street the filter already names is said once
        words.append(names.get(code, code))
    for name, value in drill.selectors().items():
        if value is None or name in ("street", "days"):
            continue
        if name in _CARE_WORDS:
            days = drill.days or DEFAULT_CONTACT_DAYS
            words.append(_CARE_WORDS[name][value].format(days=days))
        elif name == "person":  # an id, never a name: the caption is shown to roles without names too
            words.append(f"人员编号{value}")
        elif name in _FLAG_WORDS:
            words.append(_FLAG_WORDS[name])
        elif name == "month":
            words.append(f"{int(value[:4])}年{int(value[5:])}月")
        elif name == "status":
            words.append(f"“三会一课”{wording.STATUS_WORDS[value]}")
        elif name in ("team", "site", "org", "activity"):
            model, noun = {"team": (VolunteerTeam, "志愿队伍"), "site": (Site, "站点"),
                           "org": (Organisation, "党组织"), "activity": (Activity, "活动")}[name]
            words.append(f"{noun}:{one_of(conn, model, value, noun)}")
        else:
            words.append(f"{_LABELS[name]}:{value}")
    return words
