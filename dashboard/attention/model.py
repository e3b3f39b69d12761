"""The 需关注 list's data: thresholds in, ranked items out, all plain data."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields

from dashboard.reach.rules import ReachRules
from dashboard.settings import Settings

# The kinds, in the order the list shows them: the branches' own organisational life first (the
# party's rules fix its cadence), then problems past their 整改 term, then a street's missing
# area of work, then the sites' 一员一簿一册, then the cadres not contacted for long (one item a
# person, so a long list), and last the ledgers, whose lapses are about data.
KINDS = (
    "meetings", "problem_open", "four_in_one", "site_idle", "site_no_liaison", "site_no_signin", "contact_overdue",
    "ledger_stale",
)
KIND_LABELS = {
    "meetings": "三会一课/主题党日逾期",
    "problem_open": "检视问题未整改",
    "four_in_one": "四位一体领域空缺",
    "site_idle": "阵地长期无活动",
    "site_no_liaison": "阵地无联络指导员",
    "site_no_signin": "活动无签到记录",
    "contact_overdue": "重点关爱对象未联系",
    "ledger_stale": "台账未更新",
}

# kinds whose subject is a person: their name is shown only to roles allowed names, never on the
# big screen, in signed links or in exported documents (dashboard.attention.text)
PERSONAL_KINDS = frozenset({"contact_overdue"})
# the most items of a personal kind the 需关注 table lists (most overdue first); the rest are one
# link away, in the records list behind them
PERSON_ROWS = 20

_SETTING = {  # Thresholds field → Settings field
    "meeting_grace_days": "attention_meeting_grace_days",
    "site_idle_days": "attention_site_idle_days",
    "ledger_stale_days": "attention_ledger_stale_days",
    "problem_open_days": "attention_problem_open_days",
    "contact_days": "contact_days",
}
_DEFAULTS = {f.name: f.default for f in fields(Settings)}


@dataclass(frozen=True)
class Thresholds:
    """The settings the data sources' rules take (``dashboard.service`` passes them to every
    source and keys its cache by them): the 需关注 rules' numbers of days, and the 四就近 rules
    (``reach``). The defaults are the settings' defaults."""
    meeting_grace_days: int = _DEFAULTS["attention_meeting_grace_days"]
    site_idle_days: int = _DEFAULTS["attention_site_idle_days"]
    ledger_stale_days: int = _DEFAULTS["attention_ledger_stale_days"]
    problem_open_days: int = _DEFAULTS["attention_problem_open_days"]
    # also the window of the contact share (dashboard.indicators.care): one setting for both, so
    # that the 需关注 list is the cadres behind the share's "not contacted"
    contact_days: int = _DEFAULTS["contact_days"]
    reach: ReachRules = ReachRules()

    @classmethod
    def from_settings(cls, settings: Settings) -> Thresholds:
        return cls(**{name: getattr(settings, key) for name, key in _SETTING.items()},
                   reach=ReachRules.from_settings(settings))

    def days(self) -> dict[str, int]:
        """The 需关注 thresholds alone, as the 需关注 list's JSON names them."""
        return {name: getattr(self, name) for name in _SETTING}


@dataclass(frozen=True)
class Item:
    """One thing overdue. ``since`` is the day the lateness is counted from (a missed due date,
    the last activity, the day found) and ``days`` the days from it to the as-of day; both are
    None when there never was such a record. ``link`` names the records behind the item for the
    records lists: ``{"kind": branches|activities|sites|problems, **selectors}``. ``detail``
    holds the kind's own plain figures (e.g. a branch's last meeting and next due date)."""
    kind: str
    street_code: str | None
    subject_id: int | str | None
    subject_name: str
    why: str
    since: dt.date | None
    days: int | None
    link: dict
    detail: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        out = asdict(self)
        out["subject"] = {"id": out.pop("subject_id"), "name": out.pop("subject_name")}
        return _plain(out)


@dataclass(frozen=True)
class Attention:
    """The ranked items, how many of each kind, district figures (``summary``), the ledger
    freshness table and the 一员一簿一册 completeness per street, for one filter."""
    as_of: dt.date
    thresholds: Thresholds
    items: tuple[Item, ...]
    counts_by_kind: dict
    summary: dict
    freshness: tuple[dict, ...] = ()
    completeness: tuple[dict, ...] = ()

    def of_kind(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    def to_json(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "thresholds": self.thresholds.days(),
            "counts_by_kind": dict(self.counts_by_kind),
            "summary": _plain(self.summary),
            "items": [i.to_json() for i in self.items],
            "freshness": _plain(list(self.freshness)),
            "completeness": _plain(list(self.completeness)),
        }


def rank(items: list[Item]) -> tuple[Item, ...]:
    """Kind order first (:data:`KINDS`), then the most overdue: never-recorded before any number
    of days, more days before fewer; ties of people by age, the eldest first, then by street and
    name so the order is stable."""
    return tuple(sorted(items, key=lambda i: (
        KINDS.index(i.kind), i.days is not None, -(i.days or 0), i.detail.get("birth_year") or 0,
        i.street_code or "", i.subject_name,
    )))


def _plain(value):
    """Dates as ISO text, tuples as lists: what json.dumps takes."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
