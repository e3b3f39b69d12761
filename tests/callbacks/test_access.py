"""Who may see and change what: every role and link kind against every route, street scope on
every way in, links that expire, are revoked or altered, lockout, CSRF, the host check, headers.
Each request goes through the app's real hooks (Flask's test client)."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from dashboard.access import audit, links, users
from dashboard.settings import Settings
from tests.acting import PASSWORD, acting_as, client_as

MINGSHUI, SHUANGSHAN = "370114001000", "370114002000"


@pytest.fixture
def app(report_store):
    from app import create_app

    return create_app(Settings(database_url=report_store.url), store=report_store)


@pytest.fixture
def secret(app):
    from callbacks.context import EXTENSION

    return app.server.extensions[EXTENSION].secret


def link_client(app, store, secret, kind: str, target: str, query: str = "", days: float = 30):
    info, token = links.create(store, secret, kind, target, query, days, created_by="test")
    client = app.server.test_client()
    r = client.get(f"{info.path}?link={token}")
    assert r.status_code == 302, r.get_data(as_text=True)
    return client, info, token


def layout_of(client, path: str) -> tuple[int, str]:
    r = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"})
    body = r.get_data(as_text=True)
    # the layout as text with its Chinese readable (Dash escapes it in JSON)
    return r.status_code, json.dumps(json.loads(body), ensure_ascii=False) if r.status_code == 200 else body


# what each principal gets: "ok" (the content), "refused" (a Chinese refusal), or an HTTP status
ROUTES = {
    # path: (kind, admin, leader, staff, screen link, embed link (map), anonymous)
    "/": ("layout", "ok", "ok", "ok", "refused", "refused", 401),
    "/screen": ("layout", "ok", "ok", "ok", "ok", "refused", 401),
    "/embed/map": ("layout", "ok", "ok", "ok", "refused", "ok", 401),
    "/embed/kpi-volunteers": ("layout", "ok", "ok", "ok", "refused", "refused", 401),
    "/data": ("layout", "ok", "ok", "ok", "refused", "refused", 401),
    "/records/members": ("layout", "ok", "ok", "ok", "refused", "refused", 401),
    "/data/records/members.xlsx": ("get", 200, 200, 200, 403, 403, 401),
    "/data/template.xlsx": ("get", 200, 200, 200, 403, 403, 401),
    "/data/export.xlsx": ("get", 200, 200, 200, 403, 403, 401),
    "/export/map.png?width=1": ("get", 400, 400, 400, 403, 403, 401),  # past the door: the width is wrong
    "/briefing?charts=no-such-panel": ("get", 400, 400, 400, 403, 403, 302),  # a page: to the login page
    "/briefing/archive": ("get", 200, 200, 200, 403, 403, 302),
    "/admin": ("get", 200, 403, 403, 403, 403, 302),
    "/admin/links": ("get", 200, 403, 403, 403, 403, 302),
    "/admin/audit": ("get", 200, 403, 403, 403, 403, 302),
    "/api/version": ("get", 200, 200, 200, 200, 200, 401),
    "/healthz": ("get", 200, 200, 200, 200, 200, 200),
    "/login": ("get", 200, 200, 200, 200, 200, 200),
}
PRINCIPALS = ("admin", "leader", "staff", "screen", "embed", "anonymous")


@pytest.fixture
def clients(app, report_store, secret):
    return {
        "admin": client_as(app, report_store, "admin"),
        "leader": client_as(app, report_store, "leader"),
        "staff": client_as(app, report_store, "staff", (MINGSHUI,)),
        "screen": link_client(app, report_store, secret, "screen", "screen", f"?street={MINGSHUI}")[0],
        "embed": link_client(app, report_store, secret, "embed", "map")[0],
        "anonymous": app.server.test_client(),
    }


def test_the_access_matrix(clients):
    seen = {}
    for path, (kind, *expected) in ROUTES.items():
        for who, want in zip(PRINCIPALS, expected):
            client = clients[who]
            if kind == "layout":
                status, body = layout_of(client, path)
                got = status if status != 200 else ("refused" if "无法访问" in body else "ok")
            else:
                got = client.get(path).status_code
            seen[(path, who)] = got
            assert got == want, f"{who} {path}: {got}, expected {want}"
    assert len(seen) == len(ROUTES) * len(PRINCIPALS)


def test_a_refusal_is_a_chinese_sentence_not_a_trace(clients):
    r = clients["leader"].get("/admin")
    assert r.status_code == 403 and "领导无权管理用户、链接与审计记录" in r.get_data(as_text=True)
    assert '<html lang="zh-CN">' in r.get_data(as_text=True) and "Traceback" not in r.get_data(as_text=True)
    status, body = layout_of(clients["embed"], "/")
    assert status == 200 and "嵌入链接无权访问此内容" in body


def test_pages_without_a_session_go_to_the_login_page_and_apis_answer_401(app):
    anon = app.server.test_client()
    r = anon.get("/?street=明水街道")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=")
    assert anon.get("/_dash-dependencies").status_code == 401
    assert anon.post("/_dash-update-component", json={}, headers={"Origin": "http://localhost"}).status_code == 401


# --- street staff --------------------------------------------------------------------------------

def test_street_staff_see_only_their_street_and_are_told_when_they_ask_for_more(clients):
    staff = clients["staff"]
    _, own = layout_of(staff, "/")
    assert "范围:明水街道" in own
    _, other = layout_of(staff, "/?street=双山街道")
    assert "无权查看双山街道的数据" in other
    r = staff.get("/export/map.svg?street=双山街道")
    assert r.status_code == 400 and "无权查看双山街道的数据" in r.get_data(as_text=True)
    r = staff.get("/briefing?street=双山街道&charts=map")
    assert r.status_code == 400 and "无权查看" in r.get_data(as_text=True)


def test_a_tampered_callback_state_asking_for_another_street_gets_nothing_of_it(app, report_store):
    from callbacks import embed, overview, screen
    from dashboard.service import DataService

    svc = DataService(report_store)
    version = svc.version().record()
    with acting_as(app, "staff", (MINGSHUI,)):
        state = {"query": f"?street={SHUANGSHAN}", "error": None}
        out = overview.panels_view(svc, state, version, None, "overview")
        assert out["kpi-active_branches:value"] == "—"
        assert "无权查看" in str(overview.header_view(svc, state, version)["message"])
        for section in ("reach", "care", "service"):  # every section's page shows blank panels
            assert "明水" not in json.dumps(overview.panels_view(svc, state, version, None, section), default=str)
        figure, body, caption = embed.embed_view(svc, {"panel": "map", "query": f"?street={SHUANGSHAN}"},
                                                 version["version"])
        assert "无权查看" in caption and figure["data"] == []
        # asking for no street at all is no way round it: the staff member's own street is shown
        figure, _, caption = embed.embed_view(svc, {"panel": "map", "query": ""}, version["version"])
        assert caption.startswith("范围:明水街道")
        out = screen.screen_view(svc, {"query": f"?street={SHUANGSHAN}", "error": None}, version, {})
        assert out["kpi_data"] is None and "无权查看" in out["message"]


def test_a_tampered_callback_post_is_refused_over_http(clients):
    """The embed callback posted by hand, as staff, with another street in its state."""
    staff = clients["staff"]
    deps = staff.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if "embed-caption" in d["output"])
    payload = {"output": cb["output"], "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]}
                                                   for o in cb["output"].strip(".").split("...")],
               "inputs": [{"id": "embed-version", "property": "data", "value": {"version": 1, "ok": True}}],
               "state": [{"id": "embed-state", "property": "data",
                          "value": {"panel": "map", "query": f"?street={SHUANGSHAN}", "error": None}}],
               "changedPropIds": ["embed-version.data"]}
    r = staff.post("/_dash-update-component", json=payload, headers={"Origin": "http://localhost"})
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert "无权查看双山街道" in body and "双山街道党支部" not in body and "双山街道 ·" not in body


def test_street_staff_export_only_their_streets_data(clients, report_store):
    import io

    from openpyxl import load_workbook

    r = clients["staff"].get("/data/export.xlsx")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.data), read_only=True)
    streets = [row[0] for row in book["街道"].iter_rows(min_row=2, values_only=True)] if "街道" in book.sheetnames else []
    assert set(streets) <= {MINGSHUI, "明水街道"}
    entries = audit.entries(report_store, action="export-data")
    assert entries and entries[0].user_name.startswith("t-staff") and entries[0].address


# --- signed links ----------------------------------------------------------------------------------

def test_a_screen_link_opens_its_screen_with_its_filter_only(app, report_store, secret):
    client, info, _ = link_client(app, report_store, secret, "screen", "screen", f"?street={MINGSHUI}")
    status, body = layout_of(client, "/screen?street=双山街道")  # the URL's filter is not the link's
    assert status == 200
    state = next(node["props"]["data"] for node in walk_json(json.loads(body))
                 if node.get("props", {}).get("id") == "screen-filter")
    assert state["query"] == f"?street={MINGSHUI}"
    assert client.get("/export/map.png?width=1").status_code == 403


def walk_json(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk_json(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk_json(value)


def test_altered_expired_and_revoked_links_are_refused(app, report_store, secret):
    info, token = links.create(report_store, secret, "embed", "map", "", 30)
    payload, sig = token.split(".")
    altered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + sig
    r = app.server.test_client().get(f"/embed/map?link={altered}")
    assert r.status_code == 403 and "链接无效" in r.get_data(as_text=True)
    # another target with the same signature
    assert app.server.test_client().get(f"/screen?link={token}").status_code == 403
    # expired
    with pytest.raises(links.LinkError, match="已过期"):
        links.verify(report_store, secret, token, at=info.expires_at + dt.timedelta(seconds=1))
    # revoked: the session it opened ends with it
    client = app.server.test_client()
    assert client.get(f"/embed/map?link={token}").status_code == 302
    assert layout_of(client, "/embed/map")[0] == 200
    links.revoke(report_store, info.id)
    assert layout_of(client, "/embed/map")[0] == 401
    r = app.server.test_client().get(f"/embed/map?link={token}")
    assert r.status_code == 403 and "已撤销" in r.get_data(as_text=True)
    # a token signed with another key
    assert app.server.test_client().get(f"/embed/map?link={links.token_for(b'other', info)}").status_code == 403


def test_links_are_made_and_revoked_from_the_admin_page(clients, report_store):
    admin = clients["admin"]
    page = admin.get("/admin/links/new?target=map&query=%3Fstreet%3D明水街道").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = admin.post("/admin/links/new", data={"target": "map", "query": "?street=明水街道", "days": "7",
                                             "note": "大厅", "csrf_token": csrf})
    made = r.get_data(as_text=True)
    url = re.search(r"<code>(http://localhost/embed/map\?link=[^<]+)</code>", made).group(1)
    link_id = max(i.id for i in links.list_links(report_store))
    assert links.get(report_store, link_id).query == f"?street={MINGSHUI}"
    r = admin.post("/admin/links", data={"revoke": str(link_id), "csrf_token": csrf})
    assert r.status_code == 302 and links.get(report_store, link_id).revoked_at is not None
    assert {e.action for e in audit.entries(report_store, 20)} >= {"link-create", "link-revoke"}
    assert url


def test_the_admin_tables_show_times_to_the_minute_and_label_each_cell_for_a_phone(clients, report_store):
    admin = clients["admin"]
    page = admin.get("/admin").get_data(as_text=True)
    me = users.get_user(report_store, "t-admin-all").last_login
    assert f'<td data-label="最近登录(UTC)" class="text-nowrap">{me:%Y-%m-%d %H:%M}</td>' in page
    assert not re.search(r"\d\d:\d\d:\d\d\.\d{6}", page)  # no microseconds
    audit_page = admin.get("/admin/audit").get_data(as_text=True)
    assert re.search(r'<td data-label="时间[^"]*" class="text-nowrap">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</td>', audit_page)


# --- logins -----------------------------------------------------------------------------------------

def test_repeated_failures_lock_the_account_for_longer_each_time(report_store):
    users.add_user(report_store, "lock-me", PASSWORD, "leader")
    t0 = dt.datetime(2026, 11, 29, 8, 0)
    for _ in range(users.FREE_FAILURES - 1):
        assert users.authenticate(report_store, "lock-me", "wrong-1", at=t0).user is None
    assert users.authenticate(report_store, "lock-me", "wrong-1", at=t0).user is None
    assert users.get_user(report_store, "lock-me").locked_until == t0 + users.FIRST_LOCK
    locked = users.authenticate(report_store, "lock-me", PASSWORD, at=t0 + dt.timedelta(seconds=10))
    assert locked.user is None and "锁定" in locked.reason  # the right password does not open a locked account
    later = t0 + users.FIRST_LOCK + dt.timedelta(seconds=1)
    again = users.authenticate(report_store, "lock-me", "wrong-1", at=later)
    assert again.user is None
    assert users.get_user(report_store, "lock-me").locked_until == later + 2 * users.FIRST_LOCK
    ok = users.authenticate(report_store, "lock-me", PASSWORD, at=later + 3 * users.FIRST_LOCK)
    assert ok.user is not None and users.get_user(report_store, "lock-me").failed_attempts == 0


def test_the_first_admin_must_change_the_one_time_password(store, tmp_path):
    from app import create_app, first_admin

    app = create_app(Settings(database_url=store.url), store=store)
    path = tmp_path / "initial-admin-password.txt"
    password = first_admin(store, path)
    assert first_admin(store, path) is None  # only on a store without users
    assert oct(path.stat().st_mode & 0o777) == "0o600" and password in path.read_text(encoding="utf-8")
    client = app.server.test_client()
    csrf = re.search(r'csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    r = client.post("/login", data={"username": "admin", "password": password, "csrf_token": csrf})
    assert r.headers["Location"] == "/password"
    assert layout_of(client, "/")[0] == 403  # nothing else until the password is changed
    csrf = re.search(r'csrf_token" value="([^"]+)"', client.get("/password").get_data(as_text=True)).group(1)
    r = client.post("/password", data={"old_password": password, "new_password": "new-pass-42",
                                       "new_password_again": "new-pass-42", "csrf_token": csrf})
    assert r.status_code == 302 and layout_of(client, "/")[0] == 200


def test_sessions_end_after_the_idle_time(app, report_store):
    client = client_as(app, report_store, "leader")
    assert client.get("/api/version").status_code == 200
    with client.session_transaction() as s:
        s["seen"] -= 31 * 60
    assert client.get("/api/version").status_code == 401


def test_cookies_are_httponly_samesite_and_secure_over_https(report_store):
    from app import create_app

    app = create_app(Settings(database_url=report_store.url, https=True), store=report_store)
    client = client_as(app, report_store, "leader", name="https-leader")
    r = client.get("/api/version")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = next(c for c in client._cookies.values() if c.key == "zq_session")
    assert cookie.secure and cookie.http_only and cookie.same_site == "Lax"


def test_a_single_sign_on_header_is_trusted_only_from_the_gateway(report_store):
    from app import create_app

    users.add_user(report_store, "sso-user", PASSWORD, "leader")
    app = create_app(Settings(database_url=report_store.url, sso_header="X-Remote-User", sso_proxies=("10.9.9.9",)),
                     store=report_store)
    gateway = app.server.test_client()
    r = gateway.get("/api/version", headers={"X-Remote-User": "sso-user"}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert r.status_code == 200
    r = gateway.get("/api/version", headers={"X-Remote-User": "sso-user"}, environ_base={"REMOTE_ADDR": "10.9.9.8"})
    assert r.status_code == 401


# --- requests from elsewhere ------------------------------------------------------------------------

def test_cross_origin_posts_and_forged_tokens_fail(app, clients, report_store):
    admin = clients["admin"]
    r = admin.post("/_dash-update-component", json={}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    r = app.server.test_client().post("/login", data={"username": "x", "password": "y"})  # no Origin, no token
    assert r.status_code == 403
    r = admin.post("/admin/links", data={"revoke": "1", "csrf_token": "forged"})
    assert r.status_code == 403
    assert any(e.detail.get("reason") == "cross-origin" for e in audit.entries(report_store, action="denied"))


def test_a_ledger_preview_is_confirmed_once_and_only_by_whoever_checked_it(app, report_store):
    from callbacks import ledger
    from dashboard.ledger import pending

    preview_token = pending.keep(report_store, "alice", [("志愿队伍.csv", b"")])
    with acting_as(app, "admin", name="mallory"):
        out = ledger.on_confirm({"token": preview_token}, 0)
    assert "预览已失效" in str(out[1])
    with acting_as(app, "admin", name="alice"):
        forged = ledger.on_confirm({"token": "forged-token"}, 0)
    assert "预览已失效" in str(forged[1])


def test_other_hosts_are_refused(app):
    assert app.server.test_client().get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    assert app.server.test_client().get("/healthz", headers={"Host": "127.0.0.1:8050"}).status_code == 200


def test_every_route_sends_the_security_headers(clients):
    for path in ("/", "/login", "/healthz", "/api/version", "/embed/map", "/admin", "/assets/dashboard.css"):
        r = clients["admin"].get(path)
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self' 'sha256-" in csp and "object-src 'none'" in csp, path
        assert r.headers["Referrer-Policy"] == "same-origin" and "camera=()" in r.headers["Permissions-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'self'" in clients["admin"].get("/embed/map").headers["Content-Security-Policy"]


def test_logins_and_failures_are_in_the_audit_trail_with_the_address(app, report_store):
    client_as(app, report_store, "leader", name="audited")
    client = app.server.test_client()
    csrf = re.search(r'csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "audited", "password": "wrong-pass-1", "csrf_token": csrf},
                environ_base={"REMOTE_ADDR": "10.1.2.3"})
    kinds = {(e.action, e.user_name, e.address) for e in audit.entries(report_store, 50)}
    assert ("login", "audited", "127.0.0.1") in kinds and ("login-failed", "audited", "10.1.2.3") in kinds


# --- what an attacker tried (a review of this code) ------------------------------------------------

def test_a_branch_whose_sub_branches_lie_in_other_streets_shows_staff_only_their_own_street(clients, report_store):
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from dashboard.schema import Organisation

    child = aliased(Organisation)
    with report_store.engine.connect() as c:
        parent_id, child_name = c.execute(
            select(Organisation.id, child.name).join(child, child.parent_id == Organisation.id)
            .where(Organisation.street_code == MINGSHUI, child.street_code != MINGSHUI).limit(1)).first()
    _, page = layout_of(clients["staff"], f"/?branch={parent_id}")
    assert "范围:" in page and child_name not in page
    r = clients["staff"].get(f"/export/three-meetings.svg?branch={parent_id}&width=800")
    assert r.status_code in (200, 503) and child_name not in r.get_data(as_text=True)


def test_staff_asking_for_another_streets_branch_learn_nothing_of_it(clients, report_store):
    from sqlalchemy import select

    from dashboard.schema import Organisation

    with report_store.engine.connect() as c:
        other_id, other_name = c.execute(select(Organisation.id, Organisation.name)
                                         .where(Organisation.street_code == SHUANGSHAN).limit(1)).first()
    _, page = layout_of(clients["staff"], f"/?branch={other_id}")
    assert "无权查看该党组织的数据" in page and other_name not in page
    _, page = layout_of(clients["admin"], "/?branch=99999999999999999999999")
    assert "未知的党组织" in page


def test_logging_out_or_changing_the_password_ends_every_copy_of_the_session(app, report_store):
    client = client_as(app, report_store, "leader", name="copied")
    stolen = app.server.test_client()
    cookie = client.get_cookie("zq_session")
    stolen.set_cookie("zq_session", cookie.value, domain="localhost")
    assert stolen.get("/api/version").status_code == 200
    client.post("/logout", headers={"Origin": "http://localhost"})
    assert stolen.get("/api/version").status_code == 401
    users.set_password(report_store, "copied", PASSWORD)  # the CLI's passwd: also ends sessions
    fresh = client_as(app, report_store, "leader", name="copied")
    users.set_password(report_store, "copied", "another-pass-2")
    assert fresh.get("/api/version").status_code == 401


def test_guessing_the_old_password_on_the_password_page_counts_towards_the_lockout(app, report_store):
    client = client_as(app, report_store, "leader", name="guessed")
    csrf = re.search(r'csrf_token" value="([^"]+)"', client.get("/password").get_data(as_text=True)).group(1)
    for _ in range(users.FREE_FAILURES + 1):
        r = client.post("/password", data={"old_password": "guess-123", "new_password": "new-pass-42",
                                           "new_password_again": "new-pass-42", "csrf_token": csrf})
    assert "锁定" in r.get_data(as_text=True)
    assert users.get_user(report_store, "guessed").locked_until is not None


def test_a_name_without_an_account_is_answered_like_one_with_an_account(report_store):
    users.add_user(report_store, "real-one", PASSWORD, "leader")
    t0 = dt.datetime(2026, 11, 29, 9, 0)
    answers = {}
    for name in ("real-one", "no-such-user"):
        for _ in range(users.FREE_FAILURES):
            users.authenticate(report_store, name, "wrong-1", at=t0)
        answers[name] = users.authenticate(report_store, name, "wrong-1", at=t0 + dt.timedelta(seconds=1)).reason
    assert answers["real-one"] == answers["no-such-user"] and "锁定" in answers["real-one"]


def test_a_link_session_gets_nothing_from_the_staff_pages_callback(app, report_store, secret):
    from flask import g

    from callbacks import overview

    info, _ = links.create(report_store, secret, "embed", "map", "", 1)
    with app.server.test_request_context("/", headers={"Host": "localhost"}):
        g.principal = info.principal()
        out = overview.apply_filter.__wrapped__ if hasattr(overview.apply_filter, "__wrapped__") else overview.apply_filter
        result = out("", [SHUANGSHAN], "all", "12m", None, None, None, None, {"version": 1}, {"query": ""})
    assert all(v is overview.no_update for v in result.values())


def test_opening_a_link_does_not_log_a_user_out(app, report_store, secret):
    leader = client_as(app, report_store, "leader")
    info, token = links.create(report_store, secret, "embed", "map", "", 1)
    assert leader.get(f"/embed/map?link={token}").status_code == 302
    assert leader.get("/data/template.xlsx").status_code == 200  # still the leader


def test_a_flood_of_refused_posts_writes_one_audit_line_a_minute(app, report_store):
    from callbacks import auth

    auth.denials._last.clear()
    before = len(audit.entries(report_store, 10_000, "denied"))
    anon = app.server.test_client()
    for _ in range(50):
        anon.post("/login", data={}, headers={"Origin": "http://evil.example"}, environ_base={"REMOTE_ADDR": "10.6.6.6"})
    assert len(audit.entries(report_store, 10_000, "denied")) == before + 1


def test_odd_requests_get_a_sentence_not_a_server_error(app):
    anon = app.server.test_client()
    assert anon.get("/screen?link=%C3%A9.x").status_code == 403
    r = anon.get("/_dash-component-suites/nothing/here.js")
    assert r.status_code == 404 and "没有这个文件" in r.get_data(as_text=True)


def test_the_staff_pages_callback_fills_only_staff_page_panels_whatever_a_post_lists(clients):
    """The callback computes the panels whose slots the POST lists; a tampered list may name a
    panel that is not on the staff page (the screen's 需关注事项 chart), one that does not exist,
    or one slot ten thousand times: it gets the staff page's panels, and nothing else."""
    from layouts import ids

    staff = clients["staff"]
    deps = staff.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if "filter-state.data" in d["output"])
    wanted = [ids.slot("reach-by-street", "body", "figure"), ids.slot("attention-counts", "body", "figure"),
              ids.slot("no-such-panel", "body", "figure")]
    outputs = []
    for out in cb["output"].strip(".").split("..."):
        cid, prop = out.rsplit(".", 1)
        if not cid.startswith("{"):
            outputs.append({"id": cid, "property": prop})
        elif json.loads(cid)["slot"] == "figure":
            outputs.append([{"id": w, "property": prop} for w in wanted] +
                           [{"id": wanted[0], "property": prop}] * 10_000)
        else:
            outputs.append([])
    values = {"filter-street.value": [], "filter-state.data": {"query": "", "error": None},
              "store-version.data": {"version": 1, "ok": True}}
    payload = {"output": cb["output"], "outputs": outputs,
               "inputs": [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in cb["inputs"]],
               "state": [{**s, "value": values.get(f"{s['id']}.{s['property']}")} for s in cb["state"]],
               "changedPropIds": ["filter-street.value"]}
    r = staff.post("/_dash-update-component", json=payload, headers={"Origin": "http://localhost"})
    assert r.status_code == 200
    filled = {json.loads(k)["panel"]: v["figure"] for k, v in r.get_json()["response"].items() if k.startswith("{")}
    assert set(filled) == {"reach-by-street"}  # nothing for a panel the staff page does not have
    drawn = json.dumps(filled["reach-by-street"], ensure_ascii=False)
    assert "明水街道" in drawn and "双山街道" not in drawn  # for the staff member's own street
