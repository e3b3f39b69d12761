"""Answers that are the same for everyone who asks the same thing at the same store version:
the HTML of a page that arrives with its content (the staff page's sections:
``callbacks.pages.FIRST_PAINT``), a page's layout (``GET /_dash-layout``, whose page and filter
its referrer names) and the staff page's, screen's and embeds' panel callbacks. They are kept per (request, who is asking,
store version), gzipped once, and served from memory until the store changes.

Who is asking is part of the key (street staff and links see other data), and so is the store
version (a change anywhere is a new version), so an answer is never served to someone else or
after the data changed. Only callbacks without side effects are cached: the ledger's are not.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import threading
from collections import OrderedDict

from flask import Flask, Response, g, request

from callbacks.context import EXTENSION, principal
from callbacks.pages import FIRST_PAINT
from layouts import embed as embed_ids
from layouts import ids as overview_ids
from layouts import screen_ids

# outputs that mark a callback as a pure function of its inputs, the asker and the store version
PURE_CALLBACK_MARKS = (f"{overview_ids.FILTER_STATE}.data", f"{screen_ids.SHOWN}.data", f"{embed_ids.CAPTION}.children")


class SizedLRU:
    """Values by key, at most ``max_bytes`` of them by the size given with each, least recently
    used out first. Thread-safe. Answers here and exported images (callbacks/routes.py) use it."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self.max_bytes, self._size = max_bytes, 0
        self._items: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: str, value, size: int) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, size)
            self._size += size
            while self._size > self.max_bytes and self._items:
                self._size -= self._items.popitem(last=False)[1][1]


def _what() -> str | None:
    """What this request asks for, if its answer may be cached (else None)."""
    if request.method == "GET" and request.path == "/_dash-layout":
        return f"layout|{request.referrer or ''}"
    if request.method == "GET" and request.path in FIRST_PAINT:
        return f"page|{request.full_path}"
    if request.method == "POST" and request.path == "/_dash-update-component":
        body = request.get_data(cache=True)
        head = body[:4096].decode("utf-8", "replace")
        if not any(mark in head for mark in PURE_CALLBACK_MARKS) or b"data-upload" in body:
            return None
        return "callback|" + hashlib.sha256(body).hexdigest()
    return None


def _key(what: str, version: int) -> str | None:
    """The cache key of this request: what it asks, who asks, at which store version; None for nobody."""
    p = principal()
    if p is None:
        return None
    who = f"{p.name}|{p.role}|{','.join(p.streets)}|{p.link_id}|{p.must_change_password}"
    gz = "gz" if "gzip" in request.headers.get("Accept-Encoding", "") else "id"
    # the day too: pages default to "as of today"
    return hashlib.sha256(f"{version}|{dt.date.today()}|{who}|{gz}|{what}".encode()).hexdigest()


def register(server: Flask, cache: SizedLRU | None = None) -> SizedLRU:
    """Hooks that serve cached answers before the app runs and keep new ones after. Register
    after the access hooks (they decide who is asking) and before compression (the answers are
    gzipped here, once)."""
    cache = cache or SizedLRU()

    @server.before_request
    def serve_cached():
        what = _what()  # first: a ledger callback costs no store read here
        if what is None:
            return None
        try:
            version = server.extensions[EXTENSION].service.store.version().version
        except Exception:  # noqa: BLE001 - no version, no cache: the app answers (and reports the store)
            return None
        key = _key(what, version)
        if key is None:
            return None
        g.response_cache_key = key
        hit = cache.get(key)
        if hit is None:
            return None
        body, gzipped, mimetype = hit
        response = Response(body, mimetype=mimetype)
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
            response.headers["Vary"] = "Accept-Encoding"
        response.headers["X-Cache"] = "hit"
        return response

    @server.after_request
    def keep(response: Response) -> Response:
        key = g.pop("response_cache_key", None)
        if (key is None or response.status_code != 200 or response.direct_passthrough
                or "Content-Encoding" in response.headers or response.headers.get("X-Cache") == "hit"):
            return response
        body = response.get_data()
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            packed = gzip.compress(body, compresslevel=6, mtime=0)
            cache.put(key, (packed, True, response.mimetype), len(packed))
            response.set_data(packed)
            response.headers["Content-Encoding"] = "gzip"
            response.headers["Vary"] = "Accept-Encoding"
        else:
            cache.put(key, (body, False, response.mimetype), len(body))
        return response

    return cache
