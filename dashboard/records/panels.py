"""The drill of every catalogued panel, and of a point clicked on it.

``point`` is a plotly clickData point (``clickData["points"][0]``) for charts and maps, or a
small dict the page makes for a table row. What is read from it, per panel:

- ``sites-by-street``: ``customdata`` = [street code, site type] → sites of that street and type;
- ``activities-by-month``: ``customdata`` = [month, category] → activities of that month and category;
- ``volunteers-by-team``: ``customdata`` = the team's name → volunteers of the team(s) of that name;
- ``four-in-one``: ``y`` = the street's name, ``x`` = the area → the sites and activities that cover it;
- ``map``: ``customdata`` = [street code, name] (a street) → the street's sites, or
  [street code, …, site id] (a site, 7 items) → that site;
- ``member-structure``: ``customdata`` = the slice (离休, 65–74岁, 女 …) → members in it;
- ``three-meetings-status``: ``customdata`` = green|amber|red|none → branches of that status;
- ``three-meetings`` row: ``{"org": id}`` → that branch's 三会一课 meetings in the period,
  ``{"org": id, "category": 支委会}`` → its meetings of one kind (one cell);
- ``latest-activities`` row: ``{"activity": id}`` (ActivityRow.id) → who signed in;
- ``volunteer-service``: ``customdata`` = the month → that month's volunteer service activities;
- ``volunteer-teams-ranked``: ``customdata`` = the team's id → the team's activities;
- ``volunteer-streets``: ``customdata`` = [street code, name] → the street's volunteer service activities;
- ``talent-pool``: ``customdata`` = the field → the 银发人才库 cadres who filed it;
- ``contact-share``: ``customdata`` = [street code] → that street's cadres not contacted in the window;
- ``cadre-structure``: ``customdata`` = the slice → all cadres (not only members) in it.

Text in customdata and axis labels is HTML-escaped by the figure builders (figures.plain);
it is unescaped here. Without a point, a panel's drill is everything the panel counts.
"""
from __future__ import annotations

import html
from collections.abc import Mapping

from dashboard import vocab
from dashboard.indicators.filters import Filter
from dashboard.query import records_href
from dashboard.records.drill import Drill, DrillError

# each KPI key: the query of its drill (KPI_KEYS of dashboard.indicators.kpi, all of them)
KPI_DRILLS: dict[str, dict[str, str]] = {
    "active_branches": {"kind": "branches"},
    "established_branches": {"kind": "branches", "org_type": vocab.ESTABLISHED},
    "functional_branches": {"kind": "branches", "org_type": vocab.FUNCTIONAL},
    "party_members": {"kind": "members"},
    "volunteer_teams": {"kind": "teams"},
    "volunteers": {"kind": "volunteers"},
    "education_bases": {"kind": "sites", "type": vocab.EDUCATION_BASE},
    "co_built_sites": {"kind": "sites", "co_built": "1"},
    "standardised_shared_rooms": {"kind": "sites", "type": vocab.SHARED_ROOM, "standardised": "1"},
    "activities": {"kind": "activities"},
    "participants": {"kind": "participants"},
    "newsletter_issues": {"kind": "newsletters"},
    "oral_history_interviewees": {"kind": "interviewees"},
    "problems_solved": {"kind": "problems", "solved": "1"},
}

# a panel's drill without a point: all that the panel counts
WHOLE: dict[str, dict[str, str]] = {
    "sites-by-street": {"kind": "sites"},
    "activities-by-month": {"kind": "activities"},
    "volunteers-by-team": {"kind": "volunteers"},
    "four-in-one": {"kind": "coverage"},
    "map": {"kind": "sites"},
    "member-structure": {"kind": "members"},
    "latest-activities": {"kind": "activities"},
    "three-meetings": {"kind": "branches"},
    "three-meetings-status": {"kind": "branches"},
    "volunteer-service": {"kind": "activities", "volunteer": "1"},
    "volunteer-teams-ranked": {"kind": "activities", "volunteer": "1"},
    "volunteer-streets": {"kind": "activities", "volunteer": "1"},
    "talent-pool": {"kind": "talent"},
    # 关心照顾: the cadres not contacted behind a share; all cadres; this month's birthdays
    "contact-share": {"kind": "cadres", "contact": "no"},
    "contact-branches": {"kind": "cadres", "contact": "no"},
    "birthdays": {"kind": "cadres", "birthday": "month"},
    "cadre-structure": {"kind": "cadres"},
}


# panels whose items are lists of their own, not counts of one kind of record: 需关注 (issue 14,
# part 2) links each of its items to its records itself
ELSEWHERE = frozenset({"attention", "attention-counts"})
# 四就近 (issue 15): who is out of reach is a distance computed in Python over every cadre's home,
# not a scope the record lists can put in SQL (docs/records.md says more)
UNLISTED = frozenset({"reach", "reach-by-street", "reach-gaps", "reach-sites"})


def kpi_drill(key: str) -> Drill:
    if key not in KPI_DRILLS:
        raise DrillError(f"没有“{key}”这个指标")
    return Drill.from_query(KPI_DRILLS[key])


def drill_for(panel_id: str, point: Mapping | None = None) -> Drill:
    """The records behind a panel, or behind the point clicked on it (see the module's doc)."""
    if panel_id.startswith("kpi-"):
        return kpi_drill(panel_id.removeprefix("kpi-"))
    if panel_id in ELSEWHERE:
        raise DrillError(f"面板“{panel_id}”的每一项各自链接到其记录")
    if panel_id in UNLISTED:
        raise DrillError(f"面板“{panel_id}”按住址与站点的距离计算,没有可列出的记录")
    if panel_id not in WHOLE:
        raise DrillError(f"面板“{panel_id}”没有可列出的记录")
    if point is None:
        return Drill.from_query(WHOLE[panel_id])
    try:
        query = _POINTS[panel_id](point)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        if isinstance(exc, DrillError):
            raise
        raise DrillError(f"无法识别面板“{panel_id}”上点击的位置") from None
    return Drill.from_query(query)


def _text(value: object) -> str:
    if not isinstance(value, (str, int)):
        raise TypeError(value)
    return html.unescape(str(value))


def _data(point: Mapping) -> list:
    data = point["customdata"]
    return data if isinstance(data, list) else [data]


def _map(point: Mapping) -> dict[str, str]:
    data = _data(point)
    if len(data) >= 7:  # a site marker: [street code, name, type, street, community, opened, id]
        return {"kind": "sites", "site": _text(data[6])}
    return {"kind": "sites", "street": _text(data[0])}


def _row(point: Mapping) -> dict[str, str]:
    query = {"kind": "activities", "org": _text(point["org"])}
    if point.get("category"):
        query["category"] = _text(point["category"])
    else:
        query["meetings"] = "1"
    return query


_POINTS = {
    "sites-by-street": lambda p: {"kind": "sites", "street": _text(_data(p)[0]), "type": _text(_data(p)[1])},
    "activities-by-month": lambda p: {"kind": "activities", "month": _text(_data(p)[0]),
                                      "category": _text(_data(p)[1])},
    "volunteers-by-team": lambda p: {"kind": "volunteers", "team_name": _text(_data(p)[0])},
    "four-in-one": lambda p: {"kind": "coverage", "street": _text(p["y"]), "area": _text(p["x"])},
    "map": _map,
    "member-structure": lambda p: {"kind": "members", "bucket": _text(_data(p)[0])},
    "three-meetings-status": lambda p: {"kind": "branches", "status": _text(_data(p)[0])},
    "three-meetings": _row,
    "latest-activities": lambda p: {"kind": "participants", "activity": _text(p["activity"])},
    "volunteer-service": lambda p: {"kind": "activities", "volunteer": "1", "month": _text(_data(p)[0])},
    "volunteer-teams-ranked": lambda p: {"kind": "activities", "team": _text(_data(p)[0])},
    "volunteer-streets": lambda p: {"kind": "activities", "volunteer": "1", "street": _text(_data(p)[0])},
    "talent-pool": lambda p: {"kind": "talent", "skill": _text(_data(p)[0])},
    "contact-share": lambda p: {"kind": "cadres", "street": _text(_data(p)[0]), "contact": "no"},
    "cadre-structure": lambda p: {"kind": "cadres", "bucket": _text(_data(p)[0])},
}


def has_drill(panel_id: str) -> bool:
    """Whether the panel's figure has one list of records behind it."""
    return panel_id.startswith("kpi-") or panel_id in WHOLE


def panel_href(panel_id: str, f: Filter, point: Mapping | None = None) -> str:
    """The URL of the records behind a panel (or the point clicked on it) under filter ``f``."""
    return records_href(drill_for(panel_id, point).to_query(), f)
