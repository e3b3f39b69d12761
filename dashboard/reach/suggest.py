"""Where one new site would bring the most cadres within reach: per street, a greedy
maximum-coverage pick over candidate points.

For a street S and a kind k, the cadres to win are S's cadres in scope that are out of reach of
k on the as-of day. The candidates are the centres of the :data:`CANDIDATE_M` grid cells those
cadres live in, inside the district (a site goes where people live; a cell's centre is never a
home's own position). A candidate *adds* the cadres to win within S's radius of it. The pick is
the candidate that adds the most, over all four kinds: the site to open is of a type serving
that kind. Ties go to the kind first in 学习, 活动, 关心照顾, 发挥作用 order, then to the
westernmost candidate, then the southernmost (a fixed order, so the answer does not move between runs).
:func:`greedy` takes further picks the same way, each counting only the cadres no earlier pick
reached (the classic greedy for maximum coverage); the panel shows the first pick.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from dashboard.indicators.breakdowns import streets as street_rows
from dashboard.indicators.filters import Filter
from dashboard.reach import data, geometry
from dashboard.reach.coverage import flags
from dashboard.reach.distance import Distance, StraightLine
from dashboard.reach.rules import KINDS, ReachRules

CANDIDATE_M = 500


@dataclass(frozen=True)
class Suggestion:
    """The pick for one street: the kind, where (a candidate's lon/lat), how many cadres it would
    bring within reach (``adds``), and the street's placed cadres and those within reach of the
    kind before it."""
    street_code: str
    street_name: str
    kind: str
    lon: float
    lat: float
    adds: int
    cadres: int
    within: int

    @property
    def share_before(self) -> float:
        return self.within / self.cadres

    @property
    def share_after(self) -> float:
        return (self.within + self.adds) / self.cadres


@dataclass(frozen=True)
class Suggestions:
    """The picks of one filter on its as-of day, streets in code order, with the rules they followed."""
    as_of: dt.date
    rules: ReachRules
    rows: tuple[Suggestion, ...]


_OFFSET, _SPAN = 1 << 20, 1 << 21  # a cell's two indices as one integer key, to find the distinct cells fast


def candidates(homes: np.ndarray) -> np.ndarray:
    """The centres (metres) of the candidate cells the homes fall in, inside the district, in a
    fixed order: west to east, then south to north."""
    cells = geometry.cells(homes, CANDIDATE_M)
    keys = np.unique((cells[:, 0] + _OFFSET) * _SPAN + (cells[:, 1] + _OFFSET))  # sorted: the fixed order
    cells = np.column_stack((keys // _SPAN - _OFFSET, keys % _SPAN - _OFFSET))
    return geometry.cell_centres(cells[geometry.cells_inside(cells, CANDIDATE_M)], CANDIDATE_M)


def greedy(places: np.ndarray, homes: np.ndarray, reach_m: float, distance: Distance,
           picks: int = 1) -> list[tuple[int, int]]:
    """Up to ``picks`` (index into ``places``, cadres added) pairs, each the place adding the
    most of the homes no earlier pick reached; stops when nothing more can be added."""
    out: list[tuple[int, int]] = []
    left = homes
    for _ in range(picks):
        counts = distance.reached(places, left, reach_m)
        if len(counts) == 0 or counts.max() == 0:
            break
        best = int(np.argmax(counts))  # the first of equals: the fixed order above
        out.append((best, int(counts[best])))
        left = left[~distance.covered(places[best], left, reach_m)]
    return out


def suggestions(conn: Connection, f: Filter, rules: ReachRules | None = None,
                distance: Distance | None = None) -> Suggestions:
    """The best new site per street with cadres out of reach, streets in code order."""
    rules = rules or ReachRules()
    distance = distance or StraightLine(rules.detour)
    table, = flags(data.cadres(conn, f), data.sites(conn, f.as_of), (f.as_of,), rules, distance)
    out = []
    by_street = dict(tuple(table.groupby("street", sort=False)))
    for street in street_rows(conn):
        mine = by_street.get(street.code)
        if mine is None:
            continue
        pick = _best(mine, rules.reach_m(street.kind), distance)
        if pick is None:
            continue
        kind, (x, y), adds = pick
        lon, lat = geometry.to_degrees(np.array([x, y]))
        out.append(Suggestion(street.code, street.name, kind, round(float(lon[0]), 6), round(float(lat[0]), 6),
                              adds, len(mine), int(mine[kind].sum())))
    return Suggestions(f.as_of, rules, tuple(out))


def _best(mine: pd.DataFrame, reach_m: float, distance: Distance) -> tuple[str, np.ndarray, int] | None:
    best: tuple[str, np.ndarray, int] | None = None
    xy = mine[["x", "y"]].to_numpy()
    out = {kind: ~mine[kind].to_numpy() for kind in KINDS}
    # the kinds with the most to win first: a kind with no more out of reach than the best
    # pick so far adds cannot beat it, and is not looked at
    for kind in sorted(KINDS, key=lambda k: (-int(out[k].sum()), KINDS.index(k))):
        homes = xy[out[kind]]
        if len(homes) == 0 or (best is not None and len(homes) <= best[2]):
            continue
        places = candidates(homes)
        picked = greedy(places, homes, reach_m, distance)
        if picked:
            index, adds = picked[0]
            if best is None or adds > best[2] or (adds == best[2] and KINDS.index(kind) < KINDS.index(best[0])):
                best = (kind, places[index], adds)
    return best
