"""四就近: the four kinds of nearness the bureau aims for, the site types that serve each, and
how near is near (the settings, parsed and checked here).

The report's aim for the co-built sites is 「着力方便老干部就近学习、就近活动、就近得到关心照顾、
就近发挥作用」; docs/indicators.md ("四就近 · Within reach") gives the reasoning behind each
kind's site types and the radii.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashboard import vocab

if TYPE_CHECKING:  # the settings import this module for their parsers
    from dashboard.settings import Settings

STUDY, ACTIVITY, CARE, SERVICE = "学习", "活动", "关心照顾", "发挥作用"
KINDS = (STUDY, ACTIVITY, CARE, SERVICE)
LABELS = {STUDY: "就近学习", ACTIVITY: "就近活动", CARE: "就近得到关心照顾", SERVICE: "就近发挥作用"}
ALL_FOUR = "四项"  # within reach of every kind at once
ALL_LABEL = "四项全覆盖"

SiteTypes = tuple[tuple[str, tuple[str, ...]], ...]  # ((kind, (site type, …)), …) in KINDS order

DEFAULT_SITE_TYPES: SiteTypes = (
    (STUDY, (vocab.UNIVERSITY, vocab.SHARED_ROOM)),
    (ACTIVITY, (vocab.OPEN_ROOM, vocab.THEATRE, vocab.ACTIVITY_CENTRE)),
    (CARE, (vocab.SANATORIUM, vocab.SHARED_ROOM)),
    (SERVICE, (vocab.PRACTICE_STATION, vocab.EDUCATION_BASE)),
)


def site_types_text(mapping: SiteTypes) -> str:
    """The mapping as the setting writes it: ``学习=老年大学分校/课堂,共享式党员活动室; 活动=…``."""
    return "; ".join(f"{kind}={','.join(types)}" for kind, types in mapping)


def parse_site_types(name: str, raw: str) -> SiteTypes:
    """``kind=type,type; kind=type …`` (``;``/``;`` between kinds, ``,``/``,``/``、`` between
    types): every one of the four kinds once, each with at least one of the eight site types."""
    known = "、".join(vocab.SITE_TYPES)
    found: dict[str, tuple[str, ...]] = {}
    for part in (p.strip() for p in re.split(r"[;;]", raw)):
        if not part:
            continue
        kind, sep, rest = part.partition("=")
        kind = kind.strip()
        if not sep:
            raise ValueError(f"{name}: “{part}” should read kind=site type,site type (e.g. 学习=老年大学分校/课堂,共享式党员活动室)")
        if kind not in KINDS:
            raise ValueError(f"{name}: unknown kind “{kind}” (the four are {'、'.join(KINDS)})")
        if kind in found:
            raise ValueError(f"{name}: kind “{kind}” is given twice")
        types = tuple(dict.fromkeys(t.strip() for t in re.split(r"[,,、]", rest) if t.strip()))
        if not types:
            raise ValueError(f"{name}: kind “{kind}” has no site type")
        for t in types:
            if t not in vocab.SITE_TYPES:
                raise ValueError(f"{name}: unknown site type “{t}” for {kind} (the site types are {known})")
        found[kind] = types
    missing = [k for k in KINDS if k not in found]
    if missing:
        raise ValueError(f"{name}: no site types given for {'、'.join(missing)} (all four kinds are needed: {'、'.join(KINDS)})")
    return tuple((k, found[k]) for k in KINDS)


def parse_detour(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number such as 1.3, got {raw!r}") from exc
    if not 1.0 <= value <= 3.0:  # a route is never shorter than the straight line; 3 would be a maze
        raise ValueError(f"{name} must be between 1 and 3 (a route is never shorter than the straight line), got {raw!r}")
    return value


@dataclass(frozen=True)
class ReachRules:
    """How near is near: the site types of each kind, the travel distance a cadre living in a
    街道 or in a 镇 may have to a site (metres, along the way), and the detour factor that turns a
    straight line into a route."""
    site_types: SiteTypes = DEFAULT_SITE_TYPES
    street_m: int = 1500
    town_m: int = 3000
    detour: float = 1.3

    def types_of(self, kind: str) -> tuple[str, ...]:
        return dict(self.site_types)[kind]

    def reach_m(self, street_kind: str) -> int:
        """The radius for a cadre whose home street is of ``street_kind`` (街道 or 镇)."""
        return self.town_m if street_kind == "镇" else self.street_m

    @classmethod
    def from_settings(cls, settings: Settings) -> ReachRules:
        return cls(settings.reach_site_types, settings.reach_street_metres, settings.reach_town_metres,
                   settings.reach_detour)
