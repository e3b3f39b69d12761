"""Serving the app: waitress (a production WSGI server, pure Python, no C build, well kept by
the Pylons project) with an access log, threads from a setting, no ``Server`` banner, and a
graceful stop on SIGTERM (the listening socket closes, then the process ends)."""
from __future__ import annotations

import logging
import signal
import time

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


def serve(app, settings: Settings) -> None:
    """Serve ``app`` (a Dash app) until SIGTERM or Ctrl+C."""
    from waitress import serve as waitress_serve

    def stop(_signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    logging.getLogger("dashboard").info("serving on http://%s:%d with %d threads", settings.host, settings.port,
                                        settings.threads)
    waitress_serve(AccessLog(app.server), host=settings.host, port=settings.port, threads=settings.threads,
                   ident="", clear_untrusted_proxy_headers=True, channel_timeout=120,
                   # every page keeps a connection open (keep-alive, a poll every few seconds): a
                   # bureau's screens and staff are a few hundred, beyond waitress's 100
                   connection_limit=1000, backlog=2048,
                   max_request_body_size=settings.request_max_mb * 1024 * 1024)
