"""Positions as metres on one local plane, the grid the uncovered cadres are counted on, and the
district's outline as a vectorised point-in-polygon test.

The plane is an equirectangular projection about the district's centre (117.47° E, 36.76° N):
x = R·cos(φ₀)·Δλ, y = R·Δφ. Across Zhangqiu (about 36.4–37.1° N) its east–west scale is off by
at most about 0.5 % (tan φ₀ · Δφ), some 7 m on a 1.5 km radius: well inside how exactly a home
is geocoded. The projection is linear in lon and lat, so a square grid of metres is a regular
grid of degrees too, and a cell's centre converts back exactly.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from dashboard import geo

EARTH_M = 6_371_008.8  # mean Earth radius (IUGG), metres
LON0, LAT0 = 117.47, 36.76  # the district's centre, as the maps use it
_KX = EARTH_M * math.cos(math.radians(LAT0)) * math.pi / 180  # metres per degree of longitude
_KY = EARTH_M * math.pi / 180  # metres per degree of latitude


def to_metres(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """(n, 2) metres east and north of the centre."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return np.column_stack(((lon - LON0) * _KX, (lat - LAT0) * _KY))


def to_degrees(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) of points in metres."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    return xy[:, 0] / _KX + LON0, xy[:, 1] / _KY + LAT0


def cells(xy: np.ndarray, size_m: float) -> np.ndarray:
    """(n, 2) integer indices of the ``size_m`` grid cell each point falls in (the grid is
    anchored at the centre, so a cell never depends on which points there are)."""
    return np.floor(np.asarray(xy, dtype=float) / size_m).astype(np.int64)


def cell_centres(index: np.ndarray, size_m: float) -> np.ndarray:
    """(n, 2) metres of the centres of cells given by their indices."""
    return (np.asarray(index, dtype=float) + 0.5) * size_m


@lru_cache(maxsize=1)
def _outline_xy() -> np.ndarray:
    ring = geo.outline_ring()
    return to_metres([p[0] for p in ring], [p[1] for p in ring])


def in_district(xy: np.ndarray) -> np.ndarray:
    """Whether each point (metres) lies inside the district's outline: even–odd ray casting, as
    :func:`dashboard.geo.in_district`, over all edges at once."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    ring = _outline_xy()
    x1, y1 = ring[:, 0], ring[:, 1]
    x2, y2 = np.roll(x1, 1), np.roll(y1, 1)
    px, py = xy[:, :1], xy[:, 1:]
    crosses = (y1 > py) != (y2 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = (x2 - x1) * (py - y1) / (y2 - y1) + x1
    return np.count_nonzero(crosses & (px < x_at), axis=1) % 2 == 1


@lru_cache(maxsize=4)
def _inside_grid(size_m: float) -> tuple[np.ndarray, np.ndarray]:
    """(index of the lower-left cell, boolean [column, row] array): which cells of a ``size_m``
    grid over the district's bounding box have their centre inside the outline. Worked out once
    per process (in chunks, to bound the memory of the all-edges test)."""
    ring = _outline_xy()
    lo = np.floor(ring.min(axis=0) / size_m).astype(np.int64)
    hi = np.floor(ring.max(axis=0) / size_m).astype(np.int64)
    cols, rows = hi - lo + 1
    index = np.stack(np.meshgrid(np.arange(cols) + lo[0], np.arange(rows) + lo[1], indexing="ij"), axis=-1).reshape(-1, 2)
    centres = cell_centres(index, size_m)
    inside = np.concatenate([in_district(chunk) for chunk in np.array_split(centres, max(1, len(centres) // 2000))])
    return lo, inside.reshape(cols, rows)


def cells_inside(index: np.ndarray, size_m: float) -> np.ndarray:
    """Whether each cell (integer indices on the ``size_m`` grid) has its centre inside the district."""
    lo, grid = _inside_grid(size_m)
    at = np.asarray(index, dtype=np.int64).reshape(-1, 2) - lo
    ok = (at >= 0).all(axis=1) & (at[:, 0] < grid.shape[0]) & (at[:, 1] < grid.shape[1])
    out = np.zeros(len(at), dtype=bool)
    out[ok] = grid[at[ok, 0], at[ok, 1]]
    return out
