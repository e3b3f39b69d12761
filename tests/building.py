"""Hand-built stores in tests: rows put in one by one, and the two streets most tests start from."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from dashboard.schema import Street

MINGSHUI, SHUANGSHAN = "370114001000", "370114002000"


def day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def put(conn, model, rows) -> None:
    """Insert rows one by one: they leave out different optional columns."""
    for row in rows:
        conn.execute(insert(model).values(**row))


def two_streets(conn) -> None:
    """明水街道 and 双山街道, as the geography has them."""
    put(conn, Street, [
        {"code": MINGSHUI, "name": "明水街道", "kind": "街道", "lon": 117.54, "lat": 36.72},
        {"code": SHUANGSHAN, "name": "双山街道", "kind": "街道", "lon": 117.525, "lat": 36.69},
    ])
