"""Briefing schedules and their runs in the store: the only SQL of scheduled briefings."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from dashboard.access.users import UserInfo, get_user
from dashboard.indicators.filters import resolve_streets
from dashboard.schedules.rhythm import Rhythm, ScheduleError
from dashboard.schema import BriefingRun, BriefingSchedule, BriefingSubscription, Lease, Street, User
from dashboard.store import Store

FORMATS = {"pdf": "PDF(A4)", "pptx": "幻灯片(16:9)"}
MAX_SCHEDULES = 200  # a district's streets times a few rhythms, with room: a bound, not a plan
MAX_KEEP = 120
MAX_NAME = 60


@dataclass(frozen=True)
class Schedule:
    id: int
    name: str
    streets: tuple[str, ...]
    format: str
    rhythm: Rhythm
    keep: int
    charts: tuple[str, ...] | None
    created_by: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class Run:
    id: int
    schedule_id: int | None
    name: str
    streets: tuple[str, ...]
    format: str
    due_on: dt.date
    state: str
    attempts: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    file_name: str | None
    size: int | None
    message: str | None
    mail_state: str | None = None
    mail_attempts: int = 0
    mailed_at: dt.datetime | None = None
    mailed_to: tuple[str, ...] = ()
    mail_message: str | None = None


def _schedule(row) -> Schedule:
    return Schedule(row.id, row.name, tuple(json.loads(row.streets)), row.format, Rhythm(row.every_months, row.day),
                    row.keep, tuple(row.charts.split(",")) if row.charts else None, row.created_by, row.created_at)


def _run(row) -> Run:
    return Run(row.id, row.schedule_id, row.name, tuple(json.loads(row.streets)), row.format, row.due_on, row.state,
               row.attempts, row.started_at, row.finished_at, row.file_name, row.size, row.message,
               row.mail_state, row.mail_attempts or 0, row.mailed_at, tuple(json.loads(row.mailed_to or "[]")),
               row.mail_message)


def add_schedule(store: Store, *, name: str, streets: tuple[str, ...] | list[str], fmt: str, rhythm: Rhythm,
                 keep: int, charts: tuple[str, ...] | None, created_by: str | None, now: dt.datetime) -> Schedule:
    """Check and keep a schedule; anything wrong is a :class:`ScheduleError` in Chinese."""
    name = " ".join(str(name).split())
    if not 1 <= len(name) <= MAX_NAME:
        raise ScheduleError(f"名称应为 1 至 {MAX_NAME} 个字符")
    if fmt not in FORMATS:
        raise ScheduleError(f"格式应为 {'、'.join(FORMATS)} 之一")
    if not 1 <= keep <= MAX_KEEP:
        raise ScheduleError(f"保留份数应为 1 至 {MAX_KEEP}")
    with store.engine.begin() as conn:
        try:
            codes = resolve_streets(conn, list(streets))
        except ValueError as exc:
            raise ScheduleError(str(exc)) from None
        if conn.execute(select(func.count()).select_from(BriefingSchedule)).scalar_one() >= MAX_SCHEDULES:
            raise ScheduleError(f"定期简报已有 {MAX_SCHEDULES} 个,请先删除不再需要的")
        new_id = conn.execute(insert(BriefingSchedule).values(
            name=name, streets=json.dumps(list(codes)), format=fmt, every_months=rhythm.every_months, day=rhythm.day,
            keep=keep, charts=",".join(charts) if charts else None, created_by=created_by, created_at=now,
        ).returning(BriefingSchedule.id)).scalar_one()
    return schedule(store, new_id)


def schedule(store: Store, schedule_id: int) -> Schedule:
    with store.engine.connect() as conn:
        row = conn.execute(select(BriefingSchedule).where(BriefingSchedule.id == schedule_id)).first()
    if row is None:
        raise ScheduleError(f"没有编号为 {schedule_id} 的定期简报")
    return _schedule(row)


def schedules(store: Store) -> list[Schedule]:
    with store.engine.connect() as conn:
        return [_schedule(r) for r in conn.execute(select(BriefingSchedule).order_by(BriefingSchedule.id))]


def delete_schedule(store: Store, schedule_id: int) -> None:
    """Remove a schedule; its runs and files stay in the archive (until removed by hand)."""
    schedule(store, schedule_id)
    with store.engine.begin() as conn:
        conn.execute(update(BriefingRun).where(BriefingRun.schedule_id == schedule_id).values(schedule_id=None))
        conn.execute(delete(BriefingSchedule).where(BriefingSchedule.id == schedule_id))


def runs(store: Store, limit: int = 500) -> list[Run]:
    """The newest runs first (due day, then start)."""
    with store.engine.connect() as conn:
        return [_run(r) for r in conn.execute(
            select(BriefingRun).order_by(BriefingRun.due_on.desc(), BriefingRun.id.desc()).limit(limit))]


def run(store: Store, run_id: int) -> Run | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(BriefingRun).where(BriefingRun.id == run_id)).first()
    return _run(row) if row is not None else None


def run_of(store: Store, schedule_id: int, due: dt.date) -> Run | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(BriefingRun).where(BriefingRun.schedule_id == schedule_id,
                                                     BriefingRun.due_on == due)).first()
    return _run(row) if row is not None else None


def begin(store: Store, s: Schedule, due: dt.date, now: dt.datetime) -> Run | None:
    """Mark the schedule's run of ``due`` as running (a new attempt); None when another process
    got there first (the unique (schedule, due day) pair)."""
    with store.engine.begin() as conn:
        row = conn.execute(select(BriefingRun).where(BriefingRun.schedule_id == s.id, BriefingRun.due_on == due)
                           .with_for_update()).first()
        if row is None:
            try:
                with conn.begin_nested():
                    run_id = conn.execute(insert(BriefingRun).values(
                        schedule_id=s.id, name=s.name, streets=json.dumps(list(s.streets)), format=s.format,
                        due_on=due, state="running", attempts=1, started_at=now,
                    ).returning(BriefingRun.id)).scalar_one()
            except IntegrityError:
                return None
        elif row.state != "failed":
            return None
        else:
            run_id = row.id
            conn.execute(update(BriefingRun).where(BriefingRun.id == row.id).values(
                state="running", attempts=row.attempts + 1, started_at=now, finished_at=None))
    return run(store, run_id)


def finish(store: Store, run_id: int, now: dt.datetime, *, file_name: str | None = None, size: int | None = None,
           error: str | None = None) -> Run:
    with store.engine.begin() as conn:
        conn.execute(update(BriefingRun).where(BriefingRun.id == run_id).values(
            state="failed" if error else "ok", finished_at=now, file_name=file_name, size=size, message=error))
    found = run(store, run_id)
    assert found is not None
    return found


def mark_removed(store: Store, run_id: int) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(BriefingRun).where(BriefingRun.id == run_id).values(state="removed"))


def subscribe(store: Store, schedule_id: int, user_name: str, on: bool = True) -> None:
    """Add (or, ``on=False``, remove) the user to the schedule's mail; unknown ones are a :class:`ScheduleError`."""
    schedule(store, schedule_id)
    with store.engine.begin() as conn:
        user_id = conn.execute(select(User.id).where(User.name == user_name)).scalar()
        if user_id is None:
            raise ScheduleError(f"没有用户“{user_name}”")
        conn.execute(delete(BriefingSubscription).where(BriefingSubscription.schedule_id == schedule_id,
                                                        BriefingSubscription.user_id == user_id))
        if on:
            conn.execute(insert(BriefingSubscription).values(schedule_id=schedule_id, user_id=user_id))


def subscribers(store: Store, schedule_id: int) -> list[UserInfo]:
    """The users subscribed to the schedule, as the store has them now (by name)."""
    with store.engine.connect() as conn:
        names = list(conn.execute(select(User.name).join(BriefingSubscription, BriefingSubscription.user_id == User.id)
                                  .where(BriefingSubscription.schedule_id == schedule_id).order_by(User.name)).scalars())
    return [u for u in (get_user(store, name) for name in names) if u is not None]


def subscriptions(store: Store, user_name: str) -> set[int]:
    """The schedules the user receives by mail."""
    with store.engine.connect() as conn:
        return set(conn.execute(select(BriefingSubscription.schedule_id)
                                .join(User, User.id == BriefingSubscription.user_id).where(User.name == user_name)
                                ).scalars())


def record_mail(store: Store, run_id: int, now: dt.datetime, *, state: str | None, sent: tuple[str, ...],
                message: str | None) -> Run:
    """After a delivery: its state, everyone sent to (or refused for good) so far, what went wrong."""
    with store.engine.begin() as conn:
        conn.execute(update(BriefingRun).where(BriefingRun.id == run_id).values(
            mail_state=state, mail_attempts=BriefingRun.mail_attempts + 1, mailed_at=now,
            mailed_to=json.dumps(list(sent), ensure_ascii=False), mail_message=message))
    found = run(store, run_id)
    assert found is not None
    return found


def street_names(store: Store) -> dict[str, str]:
    with store.engine.connect() as conn:
        return dict(conn.execute(select(Street.code, Street.name)).all())


def take_lease(store: Store, name: str, owner: str, now: dt.datetime, seconds: float) -> bool:
    """Hold the lease ``name`` for ``seconds`` if it is free, expired or already ours."""
    until = now + dt.timedelta(seconds=seconds)
    with store.engine.begin() as conn:
        taken = conn.execute(update(Lease).where(Lease.name == name)
                             .where((Lease.owner == owner) | (Lease.expires_at < now))
                             .values(owner=owner, expires_at=until)).rowcount
        if taken:
            return True
        if conn.execute(select(Lease.name).where(Lease.name == name)).first() is not None:
            return False
        try:
            with conn.begin_nested():
                conn.execute(insert(Lease).values(name=name, owner=owner, expires_at=until))
        except IntegrityError:
            return False
    return True


def release_lease(store: Store, name: str, owner: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(delete(Lease).where(Lease.name == name, Lease.owner == owner))
