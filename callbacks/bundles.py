"""Static bundles gzipped once, not on every request.

Flask-Compress compresses static files as they stream, on every request: ~50 ms of server CPU
for plotly.js alone, and a first visit asks for fifteen bundles at once on a 2-core server.
The bundles this app serves carry their version in the URL (``?m=`` on assets, ``v…m…`` in
Dash's component suites), so the compressed bytes of a URL never change and can be kept.

Only gzip is kept: browsers offer brotli and zstd over https only, and an intranet behind an
https proxy is compressed by that proxy. Any other case is left to Flask-Compress.
"""
from __future__ import annotations

import gzip
import re
import threading

from flask import Flask, Request, Response, request

COMPRESSIBLE = {"application/javascript", "text/javascript", "text/css", "application/json"}
# /_dash-component-suites/dash/deps/react@18.v4_4_1m1795830400.3.1.min.js: the v…m… part
SUITE_VERSION = re.compile(r"\.v[0-9_]+m[0-9]+")


def versioned(req: Request) -> bool:
    """A URL whose content never changes: an asset with ?m=, or a fingerprinted Dash bundle."""
    if req.path.startswith("/assets/"):
        return bool(req.args.get("m"))
    return req.path.startswith("/_dash-component-suites/") and bool(SUITE_VERSION.search(req.path))


def accepts_gzip(req: Request) -> bool:
    for part in req.headers.get("Accept-Encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*") and params.replace(" ", "") not in ("q=0", "q=0.0"):
            return True
    return False


class GzipBundles:
    """An ``after_request`` hook that serves versioned bundles from a cache of gzipped bytes.
    ``compressions`` counts the times a body was compressed."""

    def __init__(self, level: int = 9):
        self.level = level
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.compressions = 0

    def __call__(self, response: Response) -> Response:
        if (request.method != "GET" or response.status_code != 200 or response.mimetype not in COMPRESSIBLE
                or "Content-Encoding" in response.headers or not versioned(request) or not accepts_gzip(request)):
            return response
        key = request.full_path
        body = self._cache.get(key)
        response.direct_passthrough = False
        if body is None:
            body = gzip.compress(response.get_data(), compresslevel=self.level, mtime=0)
            with self._lock:
                self._cache[key] = body
                self.compressions += 1
        else:
            # the file it would have streamed is not read: close it with the response
            unread = getattr(response.response, "close", None)
            if unread is not None:
                response.call_on_close(unread)
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        etag, weak = response.get_etag()
        if etag and not weak:
            response.set_etag(f"{etag}:gzip")
        vary = response.headers.get("Vary")
        if not vary:
            response.headers["Vary"] = "Accept-Encoding"
        elif "accept-encoding" not in vary.lower():
            response.headers["Vary"] = f"{vary}, Accept-Encoding"
        return response


def register(server: Flask) -> GzipBundles:
    """Runs before Flask-Compress (after_request hooks run last-registered first), which then
    leaves the response alone because it already has a Content-Encoding."""
    hook = GzipBundles()
    server.after_request(hook)
    server.extensions["gzip_bundles"] = hook
    return hook
