"""The district's streets and outline (WGS84), point-in-district tests and datum conversion."""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import lru_cache

from dashboard.settings import DATA_DIR

GEO_DIR = DATA_DIR / "geo"


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    kind: str
    lon: float
    lat: float


@lru_cache(maxsize=1)
def townships() -> tuple[Township, ...]:
    with open(GEO_DIR / "zhangqiu_townships.csv", encoding="utf-8") as fh:
        return tuple(
            Township(r["code"], r["name"], r["kind"], float(r["lon"]), float(r["lat"]))
            for r in csv.DictReader(fh)
        )


@lru_cache(maxsize=1)
def outline_geojson() -> dict:
    with open(GEO_DIR / "zhangqiu_boundary_wgs84.geojson", encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def outline_ring() -> tuple[tuple[float, float], ...]:
    """The outer ring as (lon, lat) pairs."""
    geometry = outline_geojson()["features"][0]["geometry"]
    return tuple((float(x), float(y)) for x, y in geometry["coordinates"][0])


def in_district(lon: float, lat: float) -> bool:
    """Even-odd ray casting against the district outline."""
    ring = outline_ring()
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine)."""
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def nearest_township(lon: float, lat: float) -> Township:
    return min(townships(), key=lambda t: distance_km(lon, lat, t.lon, t.lat))


def to_wgs84(lon: float, lat: float, system: str) -> tuple[float, float]:
    """Convert a GCJ-02 (Amap/Tencent) or BD-09 (Baidu) point to WGS84."""
    import prcoords

    system = (system or "WGS84").upper().replace("-", "")
    if system == "WGS84":
        return lon, lat
    if system == "GCJ02":
        lat2, lon2 = prcoords.gcj_wgs_bored((lat, lon))
    elif system == "BD09":
        lat2, lon2 = prcoords.bd_wgs((lat, lon))
    else:
        raise ValueError(f"unknown coordinate system {system!r}")
    return lon2, lat2
