"""四就近 coverage: for every placed cadre in scope, whether the nearest open site of each kind is
within reach, as shares per street and for the district, on the as-of day and a year before,
and where the cadres out of reach live, counted on a grid.

Sites are the whole district's (a cadre may be served across a street's border), open on the
day by the half-open rule. A cadre's radius is their home street's: 街道 or 镇.
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
from dashboard.reach.distance import Distance, StraightLine, within
from dashboard.reach.rules import ALL_FOUR, KINDS, ReachRules

GRID_M = 1000  # the map's cells: a square kilometre says where, never which home
COLUMNS = (*KINDS, ALL_FOUR)


@dataclass(frozen=True)
class Share:
    """One street (``code`` None: the scope as a whole): placed cadres and how many are within
    reach of each kind and of all four (keys of :data:`COLUMNS`), on the day and a year before;
    ``unplaced``: cadres in scope without a home position."""
    code: str | None
    name: str
    cadres: int
    within: dict[str, int]
    cadres_year_ago: int
    within_year_ago: dict[str, int]
    unplaced: int = 0

    def share(self, kind: str) -> float | None:
        return self.within[kind] / self.cadres if self.cadres else None

    def share_year_ago(self, kind: str) -> float | None:
        return self.within_year_ago[kind] / self.cadres_year_ago if self.cadres_year_ago else None

    def out(self, kind: str) -> int:
        """Cadres out of reach of ``kind`` (of at least one kind, for 四项)."""
        return self.cadres - self.within[kind]


@dataclass(frozen=True)
class GridCell:
    """A grid cell with cadres out of reach: its centre, and how many are out of reach of each
    kind and of at least one (:data:`COLUMNS` order). Never a home's own position."""
    lon: float
    lat: float
    out: tuple[int, ...]


@dataclass(frozen=True)
class Coverage:
    as_of: dt.date
    year_ago: dt.date
    rules: ReachRules
    district: Share
    streets: tuple[Share, ...]
    cells: tuple[GridCell, ...]
    grid_m: int = GRID_M


def flags(cadres: data.Cadres, sites: data.Sites, day: dt.date, rules: ReachRules,
          distance: Distance | None = None) -> pd.DataFrame:
    """One row per cadre: home street, position in metres, and a column per kind (and 四项):
    within reach on ``day``."""
    distance = distance or StraightLine(rules.detour)
    homes = geometry.to_metres(cadres.lon, cadres.lat)
    reach = np.where(cadres.street_kind == "镇", rules.town_m, rules.street_m)
    is_open = sites.open_on(day)
    places = geometry.to_metres(sites.lon[is_open], sites.lat[is_open])
    types = sites.type[is_open]
    out = pd.DataFrame({"street": cadres.street, "x": homes[:, 0], "y": homes[:, 1]})
    farthest = max(rules.street_m, rules.town_m)
    for kind, kind_types in rules.site_types:
        out[kind] = within(distance.nearest(homes, places[np.isin(types, kind_types)], farthest), reach)
    out[ALL_FOUR] = out[list(KINDS)].all(axis=1)
    return out


def _counts(table: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Cadres and within-reach counts per street."""
    grouped = table.groupby("street", sort=False)
    return grouped.size(), grouped[list(COLUMNS)].sum()


def _grid(table: pd.DataFrame) -> tuple[GridCell, ...]:
    outside = ~table[list(COLUMNS)]
    outside = outside[outside[ALL_FOUR]]  # out of reach of some kind: the cells worth drawing
    if outside.empty:
        return ()
    index = geometry.cells(table.loc[outside.index, ["x", "y"]].to_numpy(), GRID_M)
    counts = outside.astype(int).groupby([index[:, 0], index[:, 1]]).sum()
    centres = geometry.cell_centres(np.array(counts.index.tolist()), GRID_M)
    lon, lat = geometry.to_degrees(centres)
    return tuple(GridCell(round(float(x), 6), round(float(y), 6), tuple(int(n) for n in row))
                 for x, y, row in zip(lon, lat, counts[list(COLUMNS)].to_numpy()))


def coverage(conn: Connection, f: Filter, rules: ReachRules | None = None, distance: Distance | None = None) -> Coverage:
    """Shares within reach per street and for the scope, on the as-of day and a year before, and
    the grid of those out of reach on the day."""
    rules = rules or ReachRules()
    ago = f.year_ago()
    now_cadres, ago_cadres = data.cadres_now_and_year_ago(conn, f)
    sites = data.sites(conn, f.as_of)
    now = flags(now_cadres, sites, f.as_of, rules, distance)
    before = flags(ago_cadres, sites, ago.as_of, rules, distance)
    n_now, w_now = _counts(now)
    n_ago, w_ago = _counts(before)

    def share(code: str | None, name: str, unplaced: int) -> Share:
        if code is None:
            return Share(None, name, len(now), _ints(now[list(COLUMNS)].sum()), len(before),
                         _ints(before[list(COLUMNS)].sum()), unplaced)
        zero = dict.fromkeys(COLUMNS, 0)
        return Share(code, name, int(n_now.get(code, 0)), _ints(w_now.loc[code]) if code in w_now.index else zero,
                     int(n_ago.get(code, 0)), _ints(w_ago.loc[code]) if code in w_ago.index else zero, unplaced)

    rows = street_rows(conn)
    if f.streets:
        shown = [s for s in rows if s.code in f.streets]
    elif f.branch_id is not None:  # where the branch's members live
        shown = [s for s in rows if s.code in n_now.index or s.code in n_ago.index]
    else:
        shown = rows
    unplaced = now_cadres.unplaced
    return Coverage(
        f.as_of, ago.as_of, rules, share(None, "全区" if not f.streets and f.branch_id is None else "合计",
                                          sum(unplaced.values())),
        tuple(share(s.code, s.name, unplaced.get(s.code, 0)) for s in shown), _grid(now),
    )


def _ints(series: pd.Series) -> dict[str, int]:
    return {k: int(series[k]) for k in COLUMNS}
