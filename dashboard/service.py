"""Named data sources over the indicator layer, cached by (source, filter, store version).

Pages and exports ask for data by name; they never reach past this to the store. A result is
reused until the store version moves, in-process by default, in Redis when a URL is set.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from dashboard import cache_codec, records
from dashboard.attention import Thresholds, attention
from dashboard.indicators import Filter, breakdowns, care, kpis
from dashboard.indicators.three_meetings import three_meetings
from dashboard.indicators.volunteering import talent_pool, volunteer_service
from dashboard.reach.coverage import coverage
from dashboard.reach.suggest import suggestions
from dashboard.settings import Settings
from dashboard.store import Store, StoreVersion

log = logging.getLogger("dashboard.cache")


def _on_conn(fn: Callable, rule: Callable[[Thresholds], Any] | None = None) -> Callable:
    """A source of ``fn(conn, f)``, or of ``fn(conn, f, rule(thresholds))`` when its rules are
    settings (the 需关注 thresholds, the contact window, the 四就近 rules)."""
    def run(store: Store, f: Filter, thresholds: Thresholds | None = None) -> Any:
        with store.engine.connect() as conn:
            if rule is None:
                return fn(conn, f)
            return fn(conn, f, rule(thresholds or Thresholds()))
    return run


def _kpis(store: Store, f: Filter, thresholds: Thresholds | None = None) -> Any:  # noqa: ARG001 - one signature for all
    return kpis(store.engine, f)


#: Each source is called as ``(store, filter, thresholds)``; the 需关注 rules' thresholds and the
#: 四就近 rules (``thresholds.reach``) are settings, and only their sources read them.
SOURCES: dict[str, Callable[..., Any]] = {
    "kpis": _kpis,
    "sites": _on_conn(breakdowns.sites),
    "sites_by_street": _on_conn(breakdowns.sites_by_street),
    "activities_by_month": _on_conn(breakdowns.activities_by_month),
    "volunteers_by_team": _on_conn(breakdowns.volunteers_by_team),
    "member_structure": _on_conn(breakdowns.member_structure),
    "four_in_one": _on_conn(breakdowns.four_in_one),
    "reach": _on_conn(coverage, lambda t: t.reach),
    "reach_sites": _on_conn(suggestions, lambda t: t.reach),
    "three_meetings": _on_conn(three_meetings),
    "latest_activities": _on_conn(breakdowns.latest_activities),
    "honours": _on_conn(breakdowns.honours),
    "attention": _on_conn(attention, lambda t: t),
    "volunteer_service": _on_conn(volunteer_service),
    "talent_pool": _on_conn(talent_pool),
    # 关心照顾 (care); the contact window is DASHBOARD_CONTACT_DAYS, carried by the thresholds
    "contact_share": _on_conn(care.contact_share, lambda t: t.contact_days),
    "birthdays": _on_conn(care.birthdays),
    "cadre_structure": _on_conn(care.cadre_structure),
}


# sources that read the as-of day and the scope but not the period: their cache key leaves the
# period out, so that changing the period alone reuses them
DAY_ONLY = frozenset({"reach", "reach_sites"})


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
    """Shared between server processes; entries expire after an hour (a new version is a new key).

    Entries are JSON of a closed set of types (:mod:`dashboard.cache_codec`), never pickle:
    whoever can write to the Redis must not be able to run code in the app. An entry that does
    not decode is a miss, recomputed and written over. A Redis that is down or refuses us (a
    wrong password) is a miss too: pages are served uncached, one warning is logged per outage,
    and Redis is left alone for ``retry_after`` seconds, so that a dead host does not cost every
    panel a timeout.
    """

    TTL = 3600

    def __init__(self, url: str, retry_after: float = 5.0, timeout: float = 2.0):
        import redis

        # the URL is passed whole: its password (redis://:pw@host) and TLS (rediss://) are
        # redis-py's to apply, and its own options (?socket_timeout=…) win over these defaults
        self.client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        self._errors = redis.RedisError
        self._outage = (redis.ConnectionError, redis.TimeoutError)  # incl. AuthenticationError
        self.retry_after = retry_after
        self._down = False
        self._down_until = 0.0
        self.where = _where(self.client)

    def get(self, key: str) -> Any:
        if self._resting():
            return None
        try:
            raw = self.client.get(key)
        except self._errors as exc:
            self._failed("GET", key, exc)
            return None
        self._up()
        if raw is None:
            return None
        try:
            return cache_codec.decode(raw)
        except cache_codec.CacheDecodeError as exc:
            log.warning("shared cache entry %s is not one this app wrote (%s): recomputing it", key, exc)
            return None

    def set(self, key: str, value: Any, version: int) -> None:  # noqa: ARG002 - the key holds it; entries expire
        try:
            payload = cache_codec.encode(value)
        except cache_codec.CacheEncodeError as exc:
            log.warning("not caching %s: %s", key, exc)
            return
        if self._resting():
            return
        try:
            self.client.set(key, payload, ex=self.TTL)
        except self._errors as exc:
            self._failed("SET", key, exc)
            return
        self._up()

    def _resting(self) -> bool:
        return self._down and time.monotonic() < self._down_until

    def health(self) -> str | None:
        """None when Redis answers a PING now, else why not (for /healthz)."""
        try:
            self.client.ping()
        except self._errors as exc:
            return f"shared cache at {self.where} unreachable ({type(exc).__name__})"
        return None

    def _failed(self, op: str, key: str, exc: Exception) -> None:
        if not isinstance(exc, self._outage):  # this key or command only, e.g. WRONGTYPE, NOPERM, OOM
            log.warning("shared cache at %s refused %s %s (%s: %s): serving it uncached", self.where, op, key,
                        type(exc).__name__, exc)
            return
        self._down_until = time.monotonic() + self.retry_after
        if not self._down:
            self._down = True
            log.warning("shared cache at %s is unavailable (%s: %s): serving pages uncached, retrying every %gs",
                        self.where, type(exc).__name__, exc, self.retry_after)

    def _up(self) -> None:
        if self._down:
            self._down = False
            log.info("shared cache at %s is available again", self.where)


def _where(client: Any) -> str:
    """The Redis a client talks to, for log lines: never its password."""
    kw = client.connection_pool.connection_kwargs
    place = kw.get("path") or f"{kw.get('host')}:{kw.get('port')}"
    tls = " (TLS)" if "SSL" in client.connection_pool.connection_class.__name__ else ""
    return f"{place}/{kw.get('db', 0)}{tls}"


class DataService:
    def __init__(self, store: Store, cache_url: str | None = None, thresholds: Thresholds | None = None):
        self.store = store
        self.thresholds = thresholds or Thresholds()
        self._prefix = f"zq:{store.instance_id()}"
        self.cache = _RedisCache(cache_url) if cache_url else _LocalCache()
        self.computed = 0  # how many results were computed rather than served from the cache

    @classmethod
    def configured(cls, store: Store, settings: Settings) -> DataService:
        """The service as the settings configure it (shared cache, 需关注 thresholds)."""
        return cls(store, settings.cache_url, Thresholds.from_settings(settings))

    def version(self) -> StoreVersion:
        return self.store.version()

    def records(self, drill: records.Drill, f: Filter, **options) -> records.RecordPage:
        """One page of the records behind a figure (not cached: pages, sorts and searches vary)."""
        with self.store.engine.connect() as conn:
            return records.page(conn, self.configured_drill(drill), f, **options)

    def records_workbook(self, drill: records.Drill, f: Filter) -> bytes:
        with self.store.engine.connect() as conn:
            return records.workbook(conn, self.configured_drill(drill), f)

    def configured_drill(self, drill: records.Drill) -> records.Drill:
        """A cadres list without its own contact window gets the configured one (DASHBOARD_CONTACT_DAYS),
        the window the figure it was drilled from counted with."""
        if drill.kind == "cadres" and drill.contact is not None and drill.days is None:
            return replace(drill, days=self.thresholds.contact_days)
        return drill

    def health(self) -> str | None:
        """None when the shared cache (if any) works; else why it does not. The in-process cache always works."""
        check = getattr(self.cache, "health", None)
        return check() if check is not None else None

    def key(self, name: str, f: Filter, version: int) -> str:
        """Where source ``name``'s result for ``f`` at ``version`` is cached (for :data:`DAY_ONLY`
        sources, whatever the period)."""
        if name in DAY_ONLY:
            f = replace(f, start=f.as_of, end=f.as_of)
        # the thresholds are in the key: processes sharing a Redis may be configured differently
        digest = hashlib.sha1(repr((name, f, self.thresholds)).encode()).hexdigest()
        return f"{self._prefix}:{version}:{digest}"

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
        key = self.key(name, f, version)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        value = SOURCES[name](self.store, f, self.thresholds)
        self.computed += 1
        self.cache.set(key, value, version)
        return value
