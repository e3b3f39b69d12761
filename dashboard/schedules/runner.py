"""Running the due briefing schedules: by the server (a thread in each process, of which only
the holder of the store's lease works) or by ``python -m dashboard briefing-run-due``.

A schedule is due on its rhythm's latest day on or before today, from the day it was made (no
back-filling). Its run makes the briefing of its scope **as of that day**, writes it to the
briefing folder as ``<date>_<scope>_<name>_<run id>.<format>`` and records it; the oldest files
beyond ``keep`` are removed. A failed run is recorded with its reason, logged and retried on
later passes, :data:`RETRY_MINUTES` apart, up to :data:`MAX_ATTEMPTS` attempts; then it stays
failed on the archive page until the next due day. When an SMTP server is configured, a
made file is mailed to the schedule's subscribers (:mod:`dashboard.schedules.mail`); a failed
mail is retried on the same terms, to those not yet sent to.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard.schedules import repository as repo
from dashboard.schedules.mail import mail_run
from dashboard.schedules.repository import Run, Schedule
from dashboard.settings import Settings
from dashboard.store import Store, utcnow

log = logging.getLogger("dashboard.schedules")

LEASE = "briefing-runner"
LEASE_SECONDS = 15 * 60      # longer than any one pass; a dead holder's lease runs out
MAX_ATTEMPTS = 3
RETRY_MINUTES = 10
_UNSAFE = re.compile(r"[^\w\u3400-\u9fff-]+")

Maker = Callable[[Schedule, dt.date], bytes]


@dataclass(frozen=True)
class Outcome:
    run: Run
    path: Path | None


def local_today(now: dt.datetime) -> dt.date:
    """The day in China (UTC+8, no daylight saving) at the UTC time ``now``: due days are local."""
    return (now + dt.timedelta(hours=8)).date()


def due(store: Store, now: dt.datetime) -> list[tuple[Schedule, dt.date]]:
    """Each schedule whose latest due day has no run yet, or a failed one that may be retried."""
    today = local_today(now)
    out = []
    for s in repo.schedules(store):
        day = s.rhythm.latest(today)
        if day < local_today(s.created_at):
            continue
        r = repo.run_of(store, s.id, day)
        if r is None or (r.state == "failed" and r.attempts < MAX_ATTEMPTS
                         and (r.finished_at is None or now - r.finished_at >= dt.timedelta(minutes=RETRY_MINUTES))):
            out.append((s, day))
    return out


def file_name(s: Schedule, day: dt.date, run_id: int, names: dict[str, str]) -> str:
    scope = "全区" if not s.streets else "、".join(names.get(c, c) for c in s.streets)
    safe = [_UNSAFE.sub("-", part).strip("-")[:40] or "简报" for part in (scope, s.name)]
    return f"{day.isoformat()}_{safe[0]}_{safe[1]}_{run_id}.{s.format}"


def briefing_maker(store: Store, settings: Settings) -> Maker:
    """The real briefing of a schedule's scope as of the day (PDF printed by Chromium, or slides)."""
    def make(s: Schedule, day: dt.date) -> bytes:
        from dashboard import briefing, export
        from dashboard.indicators.filters import resolve_filter
        from dashboard.service import DataService

        export.configure(settings)
        with store.engine.connect() as conn:
            f = resolve_filter(conn, streets=list(s.streets), as_of=day)
        build = briefing.build_pdf if s.format == "pdf" else briefing.build_pptx
        return build(DataService.configured(store, settings), f, s.charts)
    return make


def run_one(store: Store, folder: Path, s: Schedule, day: dt.date, make: Maker, now: dt.datetime) -> Outcome | None:
    started = repo.begin(store, s, day, now)
    if started is None:
        return None
    path = None
    t0 = time.monotonic()

    def finished() -> dt.datetime:  # on the pass's clock, which a test may have moved
        return now + dt.timedelta(seconds=time.monotonic() - t0)

    try:
        data = make(s, day)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / file_name(s, day, started.id, repo.street_names(store))
        part = path.with_name(path.name + ".part")
        part.write_bytes(data)
        os.replace(part, path)  # a reader never sees half a file
    except Exception as exc:  # any failure is recorded and retried, never skipped in silence
        reason = f"{type(exc).__name__}: {exc}"[:500]
        log.exception("scheduled briefing %s (%s) for %s failed (attempt %d)", s.id, s.name, day, started.attempts)
        return Outcome(repo.finish(store, started.id, finished(), error=reason), None)
    done = repo.finish(store, started.id, finished(), file_name=path.name, size=len(data))
    log.info("scheduled briefing %s (%s) for %s written to %s", s.id, s.name, day, path)
    prune(store, folder, s)
    return Outcome(done, path)


def prune(store: Store, folder: Path, s: Schedule) -> None:
    """Remove the schedule's files beyond its newest ``keep``."""
    kept = [r for r in repo.runs(store, limit=10_000) if r.schedule_id == s.id and r.state == "ok"]
    for old in kept[s.keep:]:
        if old.file_name:
            (folder / old.file_name).unlink(missing_ok=True)
        repo.mark_removed(store, old.id)


def run_due(store: Store, settings: Settings, now: dt.datetime | None = None, make: Maker | None = None,
            owner: str | None = None) -> list[Outcome] | None:
    """One pass: every due schedule, if this process holds the runner's lease (else None)."""
    now = now or utcnow()
    owner = owner or default_owner()
    if not repo.take_lease(store, LEASE, owner, now, LEASE_SECONDS):
        return None
    try:
        make = make or briefing_maker(store, settings)
        folder = Path(settings.briefing_dir)
        out = []
        for s, day in due(store, now):
            done = run_one(store, folder, s, day, make, now)
            if done is not None and done.path is not None:
                done = Outcome(send(store, settings, done.run, done.path, now), done.path)
            if done is not None:
                out.append(done)
            repo.take_lease(store, LEASE, owner, now, LEASE_SECONDS)  # still working: keep it
        for r in mail_due(store, now):
            send(store, settings, r, folder / (r.file_name or ""), now)
            repo.take_lease(store, LEASE, owner, now, LEASE_SECONDS)
        return out
    finally:
        repo.release_lease(store, LEASE, owner)


def mail_due(store: Store, now: dt.datetime) -> list[Run]:
    """Runs whose mail failed and may be tried again (the same limits as the runs themselves)."""
    wait = dt.timedelta(minutes=RETRY_MINUTES)
    return [r for r in repo.runs(store, limit=1_000)
            if r.state == "ok" and r.mail_state == "failed" and r.mail_attempts < MAX_ATTEMPTS
            and (r.mailed_at is None or now - r.mailed_at >= wait)]


def send(store: Store, settings: Settings, r: Run, path: Path, now: dt.datetime) -> Run:
    """Mail the run's file to its subscribers; whatever goes wrong is recorded on the run."""
    try:
        return mail_run(store, settings, r, path, now)
    except Exception as exc:  # e.g. the file gone from the folder: shown on the archive page
        log.exception("mailing scheduled briefing run %s failed", r.id)
        return repo.record_mail(store, r.id, now, state="failed", sent=r.mailed_to,
                                message=f"{type(exc).__name__}: {exc}"[:500])


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Runner:
    """A daemon thread that makes a pass every ``interval`` seconds. ``clock`` gives the UTC
    time (a test moves it). A pass holds the store's lease while it works, so that of all the
    server processes and hosts one runs the schedules at a time."""

    def __init__(self, store: Store, settings: Settings, *, interval: float = 60.0,
                 clock: Callable[[], dt.datetime] = utcnow, make: Maker | None = None):
        self.store, self.settings, self.interval, self.clock, self.make = store, settings, interval, clock, make
        self.owner = f"{default_owner()}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="briefing-runner", daemon=True)

    def start(self) -> Runner:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_due(self.store, self.settings, self.clock(), self.make, self.owner)
            except Exception:  # a store outage: log it and try again on the next pass
                log.exception("briefing runner pass failed")
            self._stop.wait(self.interval)
