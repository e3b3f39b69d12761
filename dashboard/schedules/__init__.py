"""Scheduled briefings (定期简报): schedules and runs kept in the store, run by the server or by
``python -m dashboard briefing-run-due``, written to the briefing folder and listed in 归档."""
from __future__ import annotations

from dashboard.schedules.mail import STATE_WORDS as MAIL_WORDS
from dashboard.schedules.repository import (
    FORMATS,
    Run,
    Schedule,
    add_schedule,
    delete_schedule,
    run,
    runs,
    schedule,
    schedules,
    subscribe,
    subscribers,
    subscriptions,
)
from dashboard.schedules.rhythm import EVERY, Rhythm, ScheduleError
from dashboard.schedules.runner import MAX_ATTEMPTS, Outcome, Runner, local_today, run_due
from dashboard.schedules.text import STATE_WORDS, describe, visible

__all__ = [
    "EVERY", "FORMATS", "MAIL_WORDS", "MAX_ATTEMPTS", "STATE_WORDS", "Outcome", "Rhythm", "Run", "Runner", "Schedule",
    "ScheduleError", "add_schedule", "delete_schedule", "describe", "local_today", "run", "run_due", "runs",
    "schedule", "schedules", "subscribe", "subscribers", "subscriptions", "visible",
]
