"""Check slots kept in the store, so that the bound holds across server processes and hosts:
one running check (or confirm, which checks again) per user, and at most ``at_once`` in all.
A slot taken longer ago than :data:`STALE` belongs to a process that died mid-check and is
taken over."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from dashboard.schema import CheckSlot
from dashboard.store import Store, utcnow

CHECKS_AT_ONCE = 2  # a check can take seconds of CPU: more at once would starve the pages
STALE = dt.timedelta(minutes=15)  # a check of the largest file allowed takes well under a minute
MINE = "您的上一次检查还在进行,请等它完成后再上传。"
FULL = "其他人的台账正在检查,请稍后再上传。"


class CheckSlots:
    def __init__(self, store: Store, at_once: int = CHECKS_AT_ONCE):
        self.store, self.at_once = store, at_once

    def take(self, user: str, at: dt.datetime | None = None) -> str | None:
        """None when the check may run (call :meth:`give` after), else why not, in Chinese."""
        at = at or utcnow()
        with self.store.engine.begin() as conn:
            conn.execute(delete(CheckSlot).where(CheckSlot.taken_at < at - STALE))
            rows = conn.execute(select(CheckSlot.slot, CheckSlot.owner)).all()
        if any(owner == user for _, owner in rows):
            return MINE
        taken = {slot for slot, _ in rows}
        for slot in range(self.at_once):
            if slot in taken:
                continue
            try:
                with self.store.engine.begin() as conn:
                    conn.execute(insert(CheckSlot).values(slot=slot, owner=user, taken_at=at))
                return None
            except IntegrityError:  # another process took this slot, or this user's, just now
                with self.store.engine.connect() as conn:
                    if conn.execute(select(CheckSlot.slot).where(CheckSlot.owner == user)).first():
                        return MINE
        return FULL

    def give(self, user: str) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(delete(CheckSlot).where(CheckSlot.owner == user))
