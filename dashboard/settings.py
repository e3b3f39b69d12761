"""All run-time settings. Each is declared once, below, with its environment variable, its
default and its help; :meth:`Settings.from_env` reads them once (``create_app`` and the CLI
call it) and passes the result down. The README's table is :func:`markdown_table`'s output.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from dashboard.reach.rules import DEFAULT_SITE_TYPES, parse_detour, parse_site_types, site_types_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'dashboard.sqlite3'}"


def _whole(minimum: int) -> Callable[[str, str], int]:
    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError as exc:
            raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc
        return max(minimum, value)
    return parse


def _text(_name: str, raw: str) -> str:
    return raw


def _words(_name: str, raw: str) -> tuple[str, ...]:
    return tuple(raw.split())


def _flag(name: str, raw: str) -> bool:
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be 1 or 0, got {raw!r}")


def _smtp_url(_name: str, raw: str) -> str:
    from dashboard.smtp import parse_server

    parse_server(raw)  # a wrong URL stops the start, not the first briefing's mail months later
    return raw


def setting(default: Any, env: str | tuple[str, ...], help: str, parse: Callable[[str, str], Any] = _text,
            shown: str | None = None, secret: bool = False) -> Any:
    """A dataclass field that carries its environment variable(s) (the first one set wins),
    its parser and its help. ``shown`` is the default as the README shows it; a ``secret`` one
    (a key, a password in a URL) is left out of the settings' repr, which a log or a trace may print."""
    names = (env,) if isinstance(env, str) else env
    meta = {"env": names, "help": help, "parse": parse, "shown": shown}
    if isinstance(default, tuple):
        return field(default_factory=lambda: default, metadata=meta, repr=not secret)
    return field(default=default, metadata=meta, repr=not secret)


@dataclass(frozen=True)
class Settings:
    database_url: str = setting(
        DEFAULT_DATABASE_URL, "DASHBOARD_DATABASE_URL",
        "the store: a SQLite file (WAL mode) or `postgresql://user@host/db` (psycopg 3)",
        shown="`sqlite:///data/dashboard.sqlite3`")
    host: str = setting("127.0.0.1", "HOST", "where `python app.py` listens")
    port: int = setting(8050, "PORT", "the port `python app.py` listens on", _whole(1))
    refresh_seconds: int = setting(10, "DASHBOARD_REFRESH_SECONDS", "how often pages check the store for changes",
                                   _whole(1))
    cache_url: str | None = setting(None, "DASHBOARD_CACHE_URL",
                                    "`redis://…` to share the indicator cache between server processes",
                                    shown="(in-process)")
    map_tiles: str | None = setting(
        None, "DASHBOARD_MAP_TILES",
        "an intranet XYZ tile URL, e.g. `http://tiles.intra/{z}/{x}/{y}.png`, drawn under the site map")
    embed_origins: tuple[str, ...] = setting((), "DASHBOARD_EMBED_ORIGINS",
                                             "space-separated origins allowed to frame `/embed/…` pages", _words)
    import_max_mb: int = setting(20, "DASHBOARD_IMPORT_MAX_MB", "the largest ledger file accepted (CLI and `/data`)",
                                 _whole(1))
    # the scale-1 demo district's whole ledger is about 240,000 rows at the end of 2026 (most of
    # them 活动参与, two cells each), and its own export must import; a check of it peaks near
    # 350 MB, and DASHBOARD_IMPORT_MAX_ROWS bounds rows while reader.DEFAULT_MAX_CELLS bounds cells
    import_max_rows: int = setting(300_000, "DASHBOARD_IMPORT_MAX_ROWS",
                                   "the most rows one import may hold (all sheets together); reading stops there", _whole(1))
    chromium: str | None = setting(None, ("BROWSER_PATH", "DASHBOARD_CHROMIUM"),
                                   "the Chromium that renders image exports and PDFs",
                                   shown="`/usr/bin/chromium`")
    export_tabs: int = setting(1, "DASHBOARD_EXPORT_TABS", "browser tabs the warm export renderer keeps", _whole(1))
    workers: int = setting(0, "DASHBOARD_WORKERS",
                           "server processes of `python app.py`: `0` means one per CPU core; more than one runs "
                           "gunicorn (Linux), one runs waitress", _whole(0), shown="`0` (one per core)")
    threads: int = setting(8, "DASHBOARD_THREADS", "threads of each server process of `python app.py`", _whole(1))
    # 8 MB of answers holds a few hundred pages and filter changes (compressed), 8 MB of images
    # some forty; with two processes, 32 MB had taken the server over 500 MB in bench/load.py
    memory_cache_mb: int = setting(16, "DASHBOARD_MEMORY_CACHE_MB",
                                   "MB of made answers and exported images each server process keeps (half each)",
                                   _whole(2))
    request_max_mb: int = setting(40, "DASHBOARD_REQUEST_MAX_MB",
                                  "the largest request body accepted, refused before it is read (an upload travels "
                                  "base64-encoded, a third larger than the file)", _whole(1))
    secret_key: str | None = setting(
        None, "DASHBOARD_SECRET_KEY",
        "the key that signs sessions and links; every process and host of one deployment needs the same one",
        shown="(random, kept in `data/secret-key`)", secret=True)
    allowed_hosts: tuple[str, ...] = setting(
        ("localhost", "127.0.0.1", "::1"), "DASHBOARD_ALLOWED_HOSTS",
        "space-separated host names the server answers to (the `Host` header, without port); others get 400",
        _words, shown="`localhost 127.0.0.1 ::1`")
    https: bool = setting(False, "DASHBOARD_HTTPS",
                          "`1` when users reach the app over https (at a proxy): `Secure` cookies and HSTS", _flag,
                          shown="`0`")
    session_idle_minutes: int = setting(30, "DASHBOARD_SESSION_IDLE_MINUTES",
                                        "a login ends after this many minutes without a request", _whole(1))
    session_max_hours: int = setting(12, "DASHBOARD_SESSION_MAX_HOURS", "a login ends this many hours after it began",
                                     _whole(1))
    sso_header: str | None = setting(None, "DASHBOARD_SSO_HEADER",
                                     "the header in which an intranet single-sign-on gateway names the user "
                                     "(trusted only from `DASHBOARD_SSO_PROXIES`)")
    sso_proxies: tuple[str, ...] = setting((), "DASHBOARD_SSO_PROXIES",
                                           "space-separated addresses of that gateway", _words)
    briefing_dir: str = setting(
        str(DATA_DIR / "briefings"), "DASHBOARD_BRIEFING_DIR",
        "the folder scheduled briefings are written to (one file per run, named by date and scope)",
        shown="`data/briefings`")
    briefing_runner: bool = setting(
        True, "DASHBOARD_BRIEFING_RUNNER",
        "`1`: the server runs due briefing schedules itself (one process of all, by a lease in the store); `0`: "
        "only `python -m dashboard briefing-run-due` (cron, a systemd timer) runs them", _flag, shown="`1`")
    smtp_url: str | None = setting(
        None, "DASHBOARD_SMTP_URL",
        "an intranet mail server that sends scheduled briefings to the users who subscribed: `smtp://host:25`, "
        "`smtp+starttls://user:password@host:587` or `smtps://user:password@host:465` (the password URL-encoded); "
        "unset: no mail", _smtp_url, shown="(no mail)", secret=True)
    mail_from: str = setting("dashboard@localhost", "DASHBOARD_MAIL_FROM",
                             "the sender of those mails, e.g. `laoganbuju@zhangqiu.gov.cn`")
    # 需关注 thresholds (docs/indicators.md, "需关注 · Attention", says which rule each follows)
    attention_meeting_grace_days: int = setting(
        10, "DASHBOARD_ATTENTION_MEETING_GRACE_DAYS",
        "days after a month or quarter ends before its missing 三会一课 or 主题党日 is listed as overdue (time to "
        "enter the ledger, also given to new activities' sign-ins; the party's rules allow none: `0` is the strict "
        "reading)", _whole(0))
    attention_site_idle_days: int = setting(
        90, "DASHBOARD_ATTENTION_SITE_IDLE_DAYS",
        "a co-built site with no recorded activity (写实册) for more than this many days is listed; one quarter, "
        "the longest 三会一课 cadence", _whole(1))
    attention_ledger_stale_days: int = setting(
        60, "DASHBOARD_ATTENTION_LEDGER_STALE_DAYS",
        "a street whose 活动 or 活动参与 ledger has nothing newer than this many days is listed; two rounds of the "
        "monthly 支委会, 党小组会 and 主题党日", _whole(1))
    attention_problem_open_days: int = setting(
        90, "DASHBOARD_ATTENTION_PROBLEM_OPEN_DAYS",
        "a 检视问题 still open more than this many days after it was found is listed (the usual three-month 整改 term)",
        _whole(1))
    # 四就近 (docs/indicators.md, "四就近 · Within reach", says why each default is what it is)
    reach_site_types: tuple = setting(
        DEFAULT_SITE_TYPES, "DASHBOARD_REACH_SITE_TYPES",
        "the site types that serve each of the four 就近 (学习, 活动, 关心照顾, 发挥作用), written "
        "`kind=type,type; kind=type …`; every kind once, every type one of the eight", parse_site_types,
        shown=f"`{site_types_text(DEFAULT_SITE_TYPES)}`")
    reach_street_metres: int = setting(
        1500, "DASHBOARD_REACH_STREET_METRES",
        "how far (metres along the way) a cadre living in a 街道 may have to a site and still count as within reach",
        _whole(1))
    reach_town_metres: int = setting(
        3000, "DASHBOARD_REACH_TOWN_METRES",
        "the same for a cadre living in a 镇, where sites are fewer and farther apart", _whole(1))
    reach_detour: float = setting(
        1.3, "DASHBOARD_REACH_DETOUR",
        "the way to a site is this many times the straight line (walking routes in towns run 1.2–1.4 times it)",
        parse_detour)

    # 关心照顾 (docs/indicators.md, "关心照顾 · Care")
    contact_days: int = setting(
        90, "DASHBOARD_CONTACT_DAYS",
        "a cadre counts as contacted when the 走访慰问记录 has a contact with them in the last this many days (one "
        "exactly this many days ago counts); a 重点关爱对象 not contacted for longer is listed under 需关注; one quarter",
        _whole(1))

    @property
    def cache_bytes_each(self) -> int:
        """What each of a process's two memory caches (answers, images) may hold: half of ``memory_cache_mb``."""
        return self.memory_cache_mb * 1024 * 1024 // 2

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """The settings from environment variables; an empty variable counts as unset."""
        env = dict(os.environ if env is None else env)
        values = {}
        for f in fields(cls):
            for name in f.metadata["env"]:
                raw = env.get(name, "").strip()
                if raw:
                    values[f.name] = f.metadata["parse"](name, raw)
                    break
        return cls(**values)


def declarations() -> list[tuple[tuple[str, ...], str, str]]:
    """(environment variables, default as shown, help) of every setting, in order."""
    out = []
    for f in fields(Settings):
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        shown = f.metadata["shown"] or ("(none)" if default in (None, ()) else f"`{default}`")
        out.append((f.metadata["env"], shown, f.metadata["help"]))
    return out


def markdown_table() -> str:
    """The README's settings table."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for names, shown, help_text in declarations():
        lines.append(f"| {' or '.join(f'`{n}`' for n in names)} | {shown} | {help_text} |")
    return "\n".join(lines)
