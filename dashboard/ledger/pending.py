"""Checked uploads waiting for their confirm, kept in the store so that any server process (or
host) can confirm them. The files are kept, not the parsed rows: a confirm checks them again
(inside :func:`dashboard.ledger.apply` the checks run once more, against the store as it is).

Bounded: one pending upload per user (a new one replaces it), at most :data:`MAX_PENDING` in
all (the oldest goes), :data:`MAX_BYTES` of files in all, and each expires after :data:`TTL`.
A confirm claims its upload atomically, so two clicks, two tabs or two processes apply it once;
the second gets the first one's answer.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import secrets
import zipfile
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from dashboard.schema import PendingImport
from dashboard.store import Store, utcnow

TTL = dt.timedelta(minutes=30)
MAX_PENDING = 8
MAX_BYTES = 200 * 1024 * 1024


def _pack(files: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for i, (name, data) in enumerate(files):
            z.writestr(f"{i:03d}/{name}", data)  # the index keeps order and same-named files apart
    return out.getvalue()


def _unpack(blob: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return [(info.filename.split("/", 1)[1], z.read(info)) for info in sorted(z.infolist(), key=lambda i: i.filename)]


def keep(store: Store, owner: str, files: list[tuple[str, bytes]], streets: tuple[str, ...] | None = None,
         at: dt.datetime | None = None) -> str:
    """Keep a checked upload for ``owner``; its token for the confirm."""
    at = at or utcnow()
    blob = _pack(files)
    token = secrets.token_urlsafe(24)
    with store.engine.begin() as conn:
        conn.execute(delete(PendingImport).where((PendingImport.expires_at <= at) | (PendingImport.owner == owner)))
        rows = conn.execute(select(PendingImport.token, PendingImport.size).order_by(PendingImport.created_at)).all()
        total = sum(size for _, size in rows) + len(blob)
        for old_token, size in rows:  # the oldest go first
            if len(rows) < MAX_PENDING and total <= MAX_BYTES:
                break
            conn.execute(delete(PendingImport).where(PendingImport.token == old_token))
            rows, total = rows[1:], total - size
        conn.execute(PendingImport.__table__.insert().values(
            token=token, owner=owner, streets=None if streets is None else json.dumps(list(streets)), created_at=at,
            expires_at=at + TTL, state="checked", size=len(blob), files=blob))
    return token


@dataclass(frozen=True)
class Claim:
    """What a confirm finds: ``files`` to apply (it is now this confirm's), or the ``result``
    an earlier confirm gave, or ``busy`` while another confirm is applying it."""
    files: list[tuple[str, bytes]] | None = None
    streets: tuple[str, ...] | None = None
    result: dict | None = None
    busy: bool = False


def claim(store: Store, token: str | None, owner: str, at: dt.datetime | None = None) -> Claim | None:
    """Take the upload for applying, once; None when the token is unknown, expired, or another user's."""
    if not token:
        return None
    at = at or utcnow()
    with store.engine.begin() as conn:
        taken = conn.execute(update(PendingImport).where(
            PendingImport.token == token, PendingImport.owner == owner, PendingImport.state == "checked",
            PendingImport.expires_at > at).values(state="applying")).rowcount
        row = conn.execute(select(PendingImport).where(PendingImport.token == token,
                                                       PendingImport.owner == owner)).first()
    if row is None or (not taken and row.state == "checked"):
        return None
    if not taken:
        return Claim(result=json.loads(row.result)) if row.state == "done" and row.result else Claim(busy=True)
    streets = None if row.streets is None else tuple(json.loads(row.streets))
    return Claim(files=_unpack(row.files), streets=streets)


def finish(store: Store, token: str, result: dict) -> None:
    """The confirm is over: keep its answer for a second click, free the files."""
    with store.engine.begin() as conn:
        conn.execute(update(PendingImport).where(PendingImport.token == token).values(
            state="done", files=None, size=0, result=json.dumps(result, ensure_ascii=False)))


def release(store: Store, token: str) -> None:
    """The confirm failed for a reason worth retrying (the store was busy): it may be confirmed again."""
    with store.engine.begin() as conn:
        conn.execute(update(PendingImport).where(PendingImport.token == token, PendingImport.state == "applying")
                     .values(state="checked"))


def drop(store: Store, token: str | None) -> None:
    if token:
        with store.engine.begin() as conn:
            conn.execute(delete(PendingImport).where(PendingImport.token == token))


def count(store: Store, at: dt.datetime | None = None) -> int:
    """Uploads waiting (not expired)."""
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(PendingImport).where(
            PendingImport.expires_at > (at or utcnow()), PendingImport.state == "checked")).scalar_one()
