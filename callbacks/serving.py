"""Serving the app with a production WSGI server, an access log and a graceful stop on SIGTERM:
gunicorn (several processes, each with threads) where there are several cores, waitress
(pure Python, also on Windows) where there is one or where ``DASHBOARD_WORKERS=1``. One
process runs Python on one core at a time, and an uncached filter change is mostly Python."""
from __future__ import annotations

import ctypes
import gc
import importlib
import logging
import os
import signal
import time
from collections.abc import Callable

from dashboard.settings import Settings

access_log = logging.getLogger("dashboard.access")


class AccessLog:
    """WSGI middleware: one line per request — address, user, method, path, status, bytes, ms."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        status_line, size = ["-"], [0]

        def record(status, headers, exc_info=None):
            status_line[0] = status.split(" ", 1)[0]
            return start_response(status, headers, exc_info)

        body = self.app(environ, record)
        try:
            for chunk in body:
                size[0] += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            path = environ.get("PATH_INFO", "")
            query = environ.get("QUERY_STRING", "")
            if "link=" in query:  # a signed link's token is a credential: not in the log
                query = "link=…"
            access_log.info('%s "%s %s%s" %s %d %.0fms', environ.get("REMOTE_ADDR", "-"), environ.get("REQUEST_METHOD"),
                            path, f"?{query}" if query else "", status_line[0], size[0],
                            (time.perf_counter() - started) * 1000)


def worker_count(settings: Settings) -> int:
    """``DASHBOARD_WORKERS``, where 0 means one process per CPU core this process may use."""
    if settings.workers:
        return settings.workers
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def few_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas (as ``MALLOC_ARENA_MAX``, which an operator's environment may set
    instead): glibc gives threads heaps of their own, up to eight a core, and a threaded server's
    freed memory scatters over them and is not given back (measured: ~50 MB more in the two workers
    after an hour's worth of filter changes and exports). False where there is no glibc."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


M_ARENA_MAX = -8  # glibc's malloc.h


def serve(make_app: Callable[[], object], settings: Settings) -> None:
    """Serve the Dash app ``make_app()`` makes until SIGTERM or Ctrl+C: in several processes
    under gunicorn where there are several cores (each process makes its own app, so no
    database connection or thread crosses a fork), else in one waitress process. Each process
    also runs the briefing schedules' runner (``DASHBOARD_BRIEFING_RUNNER``); the store's lease
    lets one of them work at a time."""
    def make_serving_app():
        app = make_app()
        if settings.briefing_runner:
            from callbacks.context import EXTENSION
            from dashboard.schedules import Runner

            Runner(app.server.extensions[EXTENSION].service.store, settings).start()
        # the export renderer's modules load now, not inside the first export (~0.1 s that every
        # thread of the process, refusals included, would wait for)
        importlib.import_module("kaleido")
        # what the app made at start lives as long as the process: out of the collector's sight,
        # a full collection scans only what requests leave (it scanned ~250,000 objects for
        # ~150 ms with every thread of the process stopped, refusals of exports included)
        gc.freeze()
        return app

    few_malloc_arenas()  # before any thread starts; forked workers inherit it
    workers = worker_count(settings)
    if workers > 1 and os.name == "posix":
        _serve_gunicorn(make_serving_app, settings, workers)
    else:
        _serve_waitress(make_serving_app(), settings)


def _serve_waitress(app, settings: Settings) -> None:
    from waitress import serve as waitress_serve

    def stop(_signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    logging.getLogger("dashboard").info("serving on http://%s:%d: waitress, 1 process, %d threads", settings.host,
                                        settings.port, settings.threads)
    waitress_serve(AccessLog(app.server), host=settings.host, port=settings.port, threads=settings.threads,
                   ident="", clear_untrusted_proxy_headers=True, channel_timeout=120,
                   # every page keeps a connection open (keep-alive, a poll every few seconds): a
                   # bureau's screens and staff are a few hundred, beyond waitress's 100
                   connection_limit=1000, backlog=2048,
                   max_request_body_size=settings.request_max_mb * 1024 * 1024)


def _serve_gunicorn(make_app: Callable[[], object], settings: Settings, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"[{settings.host}]:{settings.port}" if ":" in settings.host else f"{settings.host}:{settings.port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": settings.threads,
        "worker_connections": 1000,  # as waitress's connection_limit: pages keep their connection open
        "backlog": 2048,
        "keepalive": 75,  # a page polls every few seconds: keep its connection rather than open a new one
        "graceful_timeout": 15,
        "timeout": 120,  # a worker silent this long is restarted (an import check takes seconds)
        "accesslog": None,  # AccessLog below writes one line per request, as under waitress
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "zhangqiu-dashboard",
    }

    class Gunicorn(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)
            if "control_socket_disable" in self.cfg.settings:  # gunicorn ≥ 25.1: no socket in $HOME
                self.cfg.set("control_socket_disable", True)

        def load(self):
            return AccessLog(make_app().server)

    logging.getLogger("dashboard").info("serving on http://%s:%d: gunicorn, %d processes of %d threads",
                                        settings.host, settings.port, workers, settings.threads)
    # the modules imported here are shared with the forked workers: a collection in a worker must
    # not write to their pages (and copy them) only to count references
    gc.freeze()
    Gunicorn().run()
