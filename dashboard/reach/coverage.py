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


def flags(cadres: data.Cadres, sites: data.Sites, days: tuple[dt.date, ...], rules: ReachRules,
          distance: Distance | None = None) -> list[pd.DataFrame]:
    """Per day of ``cadres.on``, one row per cadre that day: home street, position in metres, and
    a column per kind (and 四项): within reach on the day."""
    distance = distance or StraightLine(rules.detour)
    homes = geometry.to_metres(cadres.lon, cadres.lat)
    reach = np.where(cadres.street_kind == "镇", rules.town_m, rules.street_m)
    places = geometry.to_metres(sites.lon, sites.lat)
    is_open = [sites.open_on(day) for day in days]
    tables = [pd.DataFrame({"street": cadres.street[on], "x": homes[on, 0], "y": homes[on, 1]}) for on in cadres.on]
    for kind, kind_types in rules.site_types:
        of_kind = np.isin(sites.type, kind_types)
        reached = _within_on_days(homes, reach, places, [of_kind & o for o in is_open], cadres.on, rules, distance)
        for table, on, within_day in zip(tables, cadres.on, reached):
            table[kind] = within_day[on]
    for table in tables:
        table[ALL_FOUR] = table[list(KINDS)].all(axis=1)
    return tables


def _within_on_days(homes: np.ndarray, reach: np.ndarray, places: np.ndarray, open_on: list[np.ndarray],
                    on: tuple[np.ndarray, ...], rules: ReachRules, distance: Distance) -> list[np.ndarray]:
    """Per day, whether each home is within reach of a place open that day. Most places are open
    on every day, so the nearest of those is sought once for all homes, and only the homes it
    leaves out of reach try the few places open on some days only (the nearest of a union is the
    nearer of the nearest of each part, so the answer is the same)."""
    farthest = max(rules.street_m, rules.town_m)
    always = np.logical_and.reduce(open_on)
    base = within(distance.nearest(homes, places[always], farthest), reach)
    out = []
    for is_open, cadre in zip(open_on, on):
        reached = base.copy()
        extra = is_open & ~always
        rest = cadre & ~base
        if extra.any() and rest.any():
            reached[rest] = within(distance.nearest(homes[rest], places[extra], farthest), reach[rest])
        out.append(reached)
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
    cadres = data.cadres(conn, f, year_ago=True)
    now, before = flags(cadres, data.sites(conn, f.as_of), (f.as_of, ago.as_of), rules, distance)
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
    unplaced = cadres.unplaced[0]
    return Coverage(
        f.as_of, ago.as_of, rules, share(None, "全区" if not f.streets and f.branch_id is None else "合计",
                                          sum(unplaced.values())),
        tuple(share(s.code, s.name, unplaced.get(s.code, 0)) for s in shown), _grid(now),
    )


def _ints(series: pd.Series) -> dict[str, int]:
    return {k: int(series[k]) for k in COLUMNS}
