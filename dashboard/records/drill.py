"""A drill: which records a figure counts, as a kind of record and selectors that narrow it.

A drill is read from and written to query-string parameters (``kind`` and one parameter per
selector), so that a list of records has its own URL. What each selector means is in
``docs/records.md``; every value is checked here, and anything unknown is a Chinese error.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

from dashboard import vocab
from dashboard.indicators.breakdowns import AGE_BANDS
from dashboard.indicators.filters import FilterError

STATUSES = ("green", "amber", "red", "none")
CONTACT = ("yes", "no", "overdue")  # contacted in the window, not contacted in it, 需关注 (not for longer)
BIRTHDAY = ("month", "round")       # birthday in the as-of month; and turning 80, 90 or 100
BUCKETS = (*vocab.CADRE_TYPES, *(label for _, _, label in AGE_BANDS), *vocab.GENDERS)
# the page filter's own parameters: a records URL carries them beside the drill's, and they are
# read by the filter, not here (``street`` is both: see Drill.from_query)
FILTER_KEYS = frozenset({"branch", "period", "from", "to", "as_of"})
MAX_TEXT = 100
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class DrillError(FilterError):
    """A drill names an unknown kind, selector or value. The message is Chinese."""


def _flag(name: str, raw: str) -> bool:
    if raw != "1":
        raise DrillError(f"参数 {name} 只能为 1(收到“{raw}”)")
    return True


def _choice(values: tuple[str, ...], noun: str) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:  # noqa: ARG001 - every parser takes the name
        if raw not in values:
            raise DrillError(f"未知的{noun}:“{raw}”(可选:{'、'.join(values)})")
        return raw
    return parse


def _id(noun: str) -> Callable[[str, str], int]:
    def parse(name: str, raw: str) -> int:  # noqa: ARG001
        # at most 9 digits: a longer number would overflow the database's integers
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 9 and int(raw) > 0):
            raise DrillError(f"{noun}编号应为正整数(收到“{raw}”)")
        return int(raw)
    return parse


def _text(noun: str) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:  # noqa: ARG001
        text = raw.strip()
        if not text or len(text) > MAX_TEXT:
            raise DrillError(f"{noun}应为 1 至 {MAX_TEXT} 个字符")
        return text
    return parse


def _month(name: str, raw: str) -> str:  # noqa: ARG001
    if not _MONTH.match(raw):
        raise DrillError(f"月份应写作 YYYY-MM,如 2020-06(收到“{raw}”)")
    return raw


# selector -> (parser of its query value, what it is called in Chinese)
SELECTORS: dict[str, Callable[[str, str], object]] = {
    "street": _text("街道/镇"),
    "type": _choice(vocab.SITE_TYPES, "站点类型"),
    "co_built": _flag,
    "standardised": _flag,
    "category": _choice(vocab.ACTIVITY_CATEGORIES, "活动类别"),
    "meetings": _flag,
    "month": _month,
    "team": _id("志愿队伍"),
    "team_name": _text("队伍名称"),
    "area": _choice(tuple(vocab.FOUR_IN_ONE), "“四位一体”领域"),
    "status": _choice(STATUSES, "“三会一课”状态"),
    "org_type": _choice(vocab.ORG_KINDS, "组织类型"),
    "site": _id("站点"),
    "org": _id("党组织"),
    "activity": _id("活动"),
    "bucket": _choice(BUCKETS, "党员结构分组"),
    "open": _flag,
    "solved": _flag,
    "volunteer": _flag,
    "skill": _choice(vocab.TALENT_FIELDS, "特长领域"),
    "contact": _choice(CONTACT, "联系情况"),
    "days": _id("天数"),
    "birthday": _choice(BIRTHDAY, "生日分组"),
    "person": _id("人员"),
}

# which selectors each kind of record takes
KIND_SELECTORS: dict[str, frozenset[str]] = {
    "branches": frozenset({"street", "status", "org_type"}),
    "members": frozenset({"street", "bucket"}),
    "teams": frozenset({"street"}),
    "volunteers": frozenset({"street", "team", "team_name"}),
    "sites": frozenset({"street", "type", "co_built", "standardised", "area", "site"}),
    "activities": frozenset({"street", "category", "meetings", "month", "area", "org", "site", "team", "activity",
                             "volunteer"}),
    "participants": frozenset({"street", "category", "month", "site", "activity"}),
    "coverage": frozenset({"street", "area"}),
    "newsletters": frozenset(),
    "interviewees": frozenset(),
    "problems": frozenset({"open", "solved"}),
    "talent": frozenset({"street", "skill"}),
    "cadres": frozenset({"street", "bucket", "org", "contact", "days", "birthday", "person"}),
}
KINDS = tuple(KIND_SELECTORS)


@dataclass(frozen=True)
class Drill:
    """A kind of record and the selectors that narrow it (None: not narrowed)."""
    kind: str
    street: str | None = None
    type: str | None = None
    co_built: bool | None = None
    standardised: bool | None = None
    category: str | None = None
    meetings: bool | None = None
    month: str | None = None
    team: int | None = None
    team_name: str | None = None
    area: str | None = None
    status: str | None = None
    org_type: str | None = None
    site: int | None = None
    org: int | None = None
    activity: int | None = None
    bucket: str | None = None
    open: bool | None = None
    solved: bool | None = None
    volunteer: bool | None = None
    skill: str | None = None
    contact: str | None = None
    days: int | None = None     # the contact window; None: the configured one (DataService fills it in)
    birthday: str | None = None
    person: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KIND_SELECTORS:
            raise DrillError(f"未知的记录类别:“{self.kind}”(可选:{'、'.join(KINDS)})")
        given = {name for name, value in self.selectors().items() if value is not None}
        extra = given - KIND_SELECTORS[self.kind]
        if extra:
            raise DrillError(f"记录类别“{self.kind}”不能按 {'、'.join(sorted(extra))} 筛选")
        if self.open and self.solved:
            raise DrillError("open 与 solved 不能同时指定")
        if self.category and self.meetings:
            raise DrillError("category 与 meetings 不能同时指定")

    def selectors(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "kind"}

    @classmethod
    def from_query(cls, params: Mapping[str, object]) -> Drill:
        """A drill from query parameters (values as strings or one-element lists, as
        ``parse_qs`` gives them). The page filter's keys (branch, period, from, to, as_of) are
        left to the filter. ``street`` given once is the drill's street selector (for kinds
        that have one); given several times it is the filter's streets only."""
        kind = _single("kind", params.get("kind"))
        if kind is None:
            raise DrillError("缺少参数 kind(记录类别)")
        if kind not in KIND_SELECTORS:
            raise DrillError(f"未知的记录类别:“{kind}”(可选:{'、'.join(KINDS)})")
        values: dict[str, object] = {}
        for name, raw in params.items():
            if name == "kind" or name in FILTER_KEYS:
                continue
            if name == "street" and (_many(raw) or "street" not in KIND_SELECTORS[kind]):
                continue
            if name not in SELECTORS:
                raise DrillError(f"未知的参数:“{name}”")
            text = _single(name, raw)
            if text is None:
                continue
            values[name] = SELECTORS[name](name, text)
        return cls(kind, **values)

    def to_query(self) -> dict[str, str]:
        """The drill as query parameters: ``kind`` and each selector given (flags as ``1``)."""
        out = {"kind": self.kind}
        for name, value in self.selectors().items():
            if value is None:
                continue
            out[name] = "1" if value is True else str(value)
        return out


def _many(raw: object) -> bool:
    return isinstance(raw, (list, tuple)) and len(raw) > 1


def _single(name: str, raw: object) -> str | None:
    if isinstance(raw, (list, tuple)):
        if len(raw) > 1:
            raise DrillError(f"参数 {name} 只能给出一次")
        raw = raw[0] if raw else None
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise DrillError(f"参数 {name} 应为文字")
    return raw
