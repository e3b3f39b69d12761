"""Named data sources over the indicator layer, cached by (source, filter, store version).

Pages and exports ask for data by name; they never reach past this to the store. A result is
reused until the store version moves, in-process by default, in Redis when a URL is set.
"""
from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from dashboard.indicators import Filter, breakdowns, kpis
from dashboard.indicators.three_meetings import three_meetings
from dashboard.store import Store, StoreVersion


def _on_conn(fn: Callable) -> Callable:
    def run(store: Store, f: Filter) -> Any:
        with store.engine.connect() as conn:
            return fn(conn, f)
    return run


SOURCES: dict[str, Callable[[Store, Filter], Any]] = {
    "kpis": lambda store, f: kpis(store.engine, f),
    "sites": _on_conn(breakdowns.sites),
    "sites_by_street": _on_conn(breakdowns.sites_by_street),
    "activities_by_month": _on_conn(breakdowns.activities_by_month),
    "volunteers_by_team": _on_conn(breakdowns.volunteers_by_team),
    "member_structure": _on_conn(breakdowns.member_structure),
    "four_in_one": _on_conn(breakdowns.four_in_one),
    "three_meetings": _on_conn(three_meetings),
    "latest_activities": _on_conn(breakdowns.latest_activities),
    "honours": _on_conn(breakdowns.honours),
}


class _LocalCache:
    """At most ``max_entries`` results, and only of the newest two store versions: a screen
    that runs for days sees thousands of versions, and an older one is never asked for again
    (the previous one is kept for pages that have not polled yet)."""

    def __init__(self, max_entries: int = 1024):
        self._data: OrderedDict[str, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self._newest = -1

    def get(self, key: str) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key][1]
        return None

    def set(self, key: str, value: Any, version: int) -> None:
        with self._lock:
            if version > self._newest:
                self._newest = version
                for old in [k for k, (v, _) in self._data.items() if v < version - 1]:
                    del self._data[old]
            self._data[key] = (version, value)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


class _RedisCache:
    """Shared between server processes; entries expire after an hour (a new version is a new key)."""

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url)

    def get(self, key: str) -> Any:
        raw = self.client.get(key)
        return None if raw is None else pickle.loads(raw)

    def set(self, key: str, value: Any, version: int) -> None:  # noqa: ARG002 - the key holds it; entries expire
        self.client.set(key, pickle.dumps(value), ex=3600)


class DataService:
    def __init__(self, store: Store, cache_url: str | None = None):
        self.store = store
        self._prefix = f"zq:{store.instance_id()}"
        self.cache = _RedisCache(cache_url) if cache_url else _LocalCache()
        self.computed = 0  # how many results were computed rather than served from the cache

    def version(self) -> StoreVersion:
        return self.store.version()

    def streets(self, version: int) -> list:
        key = f"{self._prefix}:{version}:streets"
        hit = self.cache.get(key)
        if hit is None:
            with self.store.engine.connect() as conn:
                hit = breakdowns.streets(conn)
            self.cache.set(key, hit, version)
        return hit

    def get(self, name: str, f: Filter, version: int | None = None) -> Any:
        if version is None:
            version = self.version().version
        digest = hashlib.sha1(repr((name, f)).encode()).hexdigest()
        key = f"{self._prefix}:{version}:{digest}"
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        value = SOURCES[name](self.store, f)
        self.computed += 1
        self.cache.set(key, value, version)
        return value
