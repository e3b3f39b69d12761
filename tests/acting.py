"""Calling callbacks as plain functions, as a given principal (the access hooks set it in a real request)."""
from __future__ import annotations

from contextlib import contextmanager

from flask import g

from dashboard.access import Principal


@contextmanager
def acting_as(app, role: str = "admin", streets: tuple[str, ...] = (), name: str = "tester"):
    """Inside a request of ``app`` whose principal is a ``role`` user (street staff: ``streets``)."""
    with app.server.test_request_context("/", headers={"Host": "localhost"}):
        g.principal = Principal(name, name, role, tuple(streets))
        yield


PASSWORD = "test-pass-1"


def client_as(app, store, role: str = "admin", streets: tuple[str, ...] = (), name: str | None = None):
    """A test client of ``app`` logged in through /login as a ``role`` user (made if missing)."""
    import re

    from dashboard.access import users

    name = name or f"t-{role}-{'-'.join(streets) or 'all'}"
    if users.get_user(store, name) is None:
        users.add_user(store, name, PASSWORD, role, list(streets))
    client = app.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf})
    assert r.status_code == 302, r.get_data(as_text=True)
    return client
