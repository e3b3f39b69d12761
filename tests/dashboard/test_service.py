"""Named data sources: cached by (source, filter, store version), in-process or in Redis."""
from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import insert

from dashboard.indicators import Filter
from dashboard.schema import Street
from dashboard.service import DataService


def _add_street(store) -> None:
    with store.engine.begin() as c:
        c.execute(insert(Street).values(code="370114001000", name="明水街道", kind="街道", lon=117.54, lat=36.72))


def test_a_change_bumps_the_version_and_only_then_is_anything_recomputed(store):
    svc = DataService(store)
    f = Filter.district(dt.date(2024, 6, 30))
    v0 = svc.version().version
    first = svc.get("kpis", f)
    again = svc.get("kpis", f)
    assert again is first and svc.computed == 1
    _add_street(store)
    v1 = svc.version()
    assert v1.version > v0 and v1.changed_at is not None
    svc.get("kpis", f)
    assert svc.computed == 2


def test_the_process_cache_keeps_only_the_newest_two_versions(store):
    """A wall screen sees a new version every few minutes for days; the server must not grow with them."""
    svc = DataService(store)
    f = Filter.district(dt.date(2024, 6, 30))
    for _ in range(4):
        svc.get("kpis", f)
        svc.get("four_in_one", f)
        _add_street_version(store)
    svc.get("kpis", f)
    # two results of the version before, one of the newest; none of the three older versions
    assert len(svc.cache) == 3
    assert svc.get("kpis", f) is svc.get("kpis", f) and svc.computed == 9


_STREET_NUMBERS = itertools.count(1)


def _add_street_version(store) -> None:
    """Any change makes a new store version."""
    n = next(_STREET_NUMBERS)
    with store.engine.begin() as c:
        c.execute(insert(Street).values(code=f"3701149{n:02d}000", name=f"测试街道{n}", kind="街道", lon=117.5, lat=36.7))


def test_redis_cache_is_shared_between_services(store, redis_url):
    f = Filter.district(dt.date(2024, 6, 30))
    a, b = DataService(store, redis_url), DataService(store, redis_url)
    _add_street(store)  # a fresh version, so earlier runs' keys cannot answer
    value = a.get("four_in_one", f)
    assert value == {"明水街道": {"党的建设": False, "老年教育": False, "文体活动": False, "志愿服务": False}}
    assert b.get("four_in_one", f) == value
    assert (a.computed, b.computed) == (1, 0)
