"""Who is asking, decided on the server before any page, callback or route runs.

- requests for another host are refused (``DASHBOARD_ALLOWED_HOSTS``);
- a state-changing request must come from this origin (``Origin``/``Sec-Fetch-Site``) or
  carry the session's CSRF token;
- the principal comes from the signed session cookie (a user who logged in at ``/login``, or a
  signed link opened with ``?link=…``), or from a trusted single-sign-on gateway's header;
- without one, pages redirect to ``/login`` and everything else answers 401;
- each route needs an action of :data:`dashboard.access.principal.ACTIONS` (:data:`ROUTE_ACTIONS`);
  pages and callbacks check theirs where they build (see ``callbacks/pages.py`` and
  :func:`callbacks.context.scoped_filter`).
"""
from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
import time
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, g, redirect, request, session

from dashboard import access
from dashboard.access import audit, links, users
from dashboard.access.principal import Principal
from dashboard.settings import Settings
from dashboard.store import Store
from layouts import auth_pages

log = logging.getLogger("dashboard.auth")

PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
PUBLIC_PATHS = {"/login", "/healthz", "/_favicon.ico"}
SIGNED_IN_PATHS = {"/logout", "/password"}   # any signed-in user, also before the first password change
# (path prefix, action): the first match decides; Dash's own endpoints and pages check further
ROUTE_ACTIONS = (
    ("/admin", "admin"),
    ("/export/", "export:image"),
    ("/briefing", "view:briefing"),
    ("/data/export.xlsx", "export:data"),
    ("/data/records/", "export:data"),
    ("/data/template.xlsx", "view:data"),
)
API_PREFIXES = ("/_dash-", "/api/", "/export/", "/data/", "/_glyphs/", "/_reload-hash")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def principal() -> Principal | None:
    """The principal of the current request (None before :func:`register`'s hook ran or when anonymous)."""
    return g.get("principal")


def client_address() -> str:
    return request.remote_addr or "-"


def _host_allowed(allowed: frozenset[str]) -> bool:
    """``allowed``: the host names, lower case, without brackets."""
    host = (request.host or "").lower()
    if host.startswith("["):
        name = host[1:].partition("]")[0]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name in allowed


def _same_origin() -> bool:
    """A browser says where a request comes from; a request with neither header must carry the CSRF token."""
    origin = request.headers.get("Origin")
    if origin is not None:
        # the host and port, not the scheme: behind an https proxy the app itself sees http
        return urlsplit(origin).netloc.lower() == (request.host or "").lower()
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    token = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    return bool(token) and hmac.compare_digest(token, session.get("csrf", ""))


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _wants_page() -> bool:
    return request.method == "GET" and not request.path.startswith(API_PREFIXES)


def _deny(status: int, message: str) -> Response:
    if _wants_page():
        return Response(auth_pages.message_page("无法访问", message), status=status,
                        mimetype="text/html", content_type="text/html; charset=utf-8")
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8",
                    headers={"Cache-Control": "no-store"})


def _login_redirect() -> Response:
    target = request.full_path.rstrip("?") if request.path != "/" else "/"
    return redirect("/login?" + urlencode({"next": target}), code=302)


def _session_principal(store: Store, settings: Settings, secret: bytes) -> Principal | None:
    now = time.time()
    token = session.get("link")
    if token:
        try:
            return links.verify(store, secret, token).principal()
        except links.LinkError:
            session.clear()
            return None
    name = session.get("user")
    if not name:
        return None
    started, seen = session.get("started", 0), session.get("seen", 0)
    if now - started > settings.session_max_hours * 3600 or now - seen > settings.session_idle_minutes * 60:
        session.clear()
        return None
    info = users.current_user(store, name)
    if info is None or not info.enabled or session.get("epoch") != info.session_epoch:
        session.clear()  # disabled, logged out elsewhere, or the password changed since
        return None
    if now - seen > 60:  # not on every request: each would set the cookie again
        session["seen"] = int(now)
    return info.principal()


def _sso_principal(store: Store, settings: Settings) -> Principal | None:
    if not settings.sso_header or request.remote_addr not in settings.sso_proxies:
        return None
    name = request.headers.get(settings.sso_header, "").strip()
    info = users.current_user(store, name) if name else None
    return info.principal() if info is not None and info.enabled else None


def start_session(user: users.UserInfo) -> None:
    session.clear()
    now = int(time.time())
    session.update(user=user.name, started=now, seen=now, csrf=secrets.token_urlsafe(24), epoch=user.session_epoch)
    session.permanent = True


class Denials:
    """When a refused request from an address was last written to the audit trail."""

    def __init__(self, every: float = 60.0, kept: int = 10_000):
        self.every, self.kept = every, kept
        self._last: dict[str, float] = {}

    def first_in_a_while(self, address: str) -> bool:
        now = time.monotonic()
        if now - self._last.get(address, -self.every) < self.every:
            return False
        self._last[address] = now
        if len(self._last) > self.kept:
            self._last.pop(next(iter(self._last)))
        return True


denials = Denials()


def register(server: Flask, store: Store, settings: Settings, secret: bytes) -> None:
    """The access hooks and the /login, /logout, /password and /admin routes."""
    server.secret_key = secret
    server.config.update(
        SESSION_COOKIE_NAME="zq_session", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.https,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.session_max_hours),
    )

    allowed_hosts = frozenset(h.lower().strip("[]") for h in settings.allowed_hosts)

    @server.before_request
    def decide() -> Response | None:
        if not _host_allowed(allowed_hosts):
            return Response("Bad Request: host not allowed\n", status=400, content_type="text/plain")
        path = request.path
        if request.method in UNSAFE_METHODS and not _same_origin():
            if denials.first_in_a_while(client_address()):  # a flood must not push the rest off the log
                audit.record(store, "denied", None, client_address(), path=path, reason="cross-origin")
            return _deny(403, "请求来源不符(跨站请求),已拒绝。")
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return None
        link_token = request.args.get("link")
        if link_token and request.method == "GET":
            return _open_link(link_token)
        p = _session_principal(store, settings, secret) or _sso_principal(store, settings)
        if p is None:
            return _login_redirect() if _wants_page() else _deny(401, "请先登录。")
        g.principal = p
        if path in SIGNED_IN_PATHS:
            return None
        if p.must_change_password:
            return redirect("/password") if _wants_page() else _deny(403, "请先修改初始密码。")
        action = next((a for prefix, a in ROUTE_ACTIONS if path.startswith(prefix)), None)
        if action and not p.may(action):
            return _deny(403, f"{p.role_name}无权{access.ACTIONS[action]}。")
        return None

    def _open_link(token: str) -> Response:
        """A signed link: checked, then kept in the session; the URL loses the token. A signed-in
        user keeps their own session (a link from elsewhere must not log them out)."""
        try:
            info = links.verify(store, secret, token)
        except links.LinkError as exc:
            return _deny(403, f"{exc}。请向管理员索取新的链接。")
        if request.path != info.path:
            return _deny(403, "此链接不能打开这个页面。")
        target = info.path + (info.query if info.query.startswith("?") or not info.query else f"?{info.query}")
        if session.get("user"):
            return redirect(target)
        session.clear()
        session.update(link=token, csrf=secrets.token_urlsafe(24))
        session.permanent = True
        return redirect(target)

    @server.route("/login", methods=["GET", "POST"])
    def login() -> Response:
        nxt = _safe_next(request.values.get("next", "/"))
        if request.method == "GET":
            return _html(auth_pages.login_page(csrf_token(), nxt))
        name = request.form.get("username", "")
        result = users.authenticate(store, name, request.form.get("password", ""))
        if result.user is None:
            audit.record(store, "login-failed", name[:64] or None, client_address(), reason=result.reason)
            return _html(auth_pages.login_page(csrf_token(), nxt, error=result.reason, username=name), 401)
        start_session(result.user)
        audit.record(store, "login", result.user.name, client_address())
        return redirect("/password" if result.user.must_change_password else nxt)

    @server.route("/logout", methods=["POST"])
    def logout() -> Response:
        p = principal()
        audit.record(store, "logout", p.name if p else None, client_address())
        if p is not None and not p.is_link:
            users.end_sessions(store, p.name)  # a copy of the cookie stops working too
        session.clear()
        return redirect("/login")

    @server.route("/password", methods=["GET", "POST"])
    def password() -> Response:
        p = principal()
        if p is None or p.is_link:
            return _deny(403, "链接访问不能修改密码。")
        if request.method == "GET":
            return _html(auth_pages.password_page(csrf_token(), p.must_change_password))
        new, again = request.form.get("new_password", ""), request.form.get("new_password_again", "")
        try:
            if new != again:
                raise users.UserError("两次输入的新密码不一致")
            users.change_password(store, p.name, request.form.get("old_password", ""), new)
        except users.UserError as exc:
            return _html(auth_pages.password_page(csrf_token(), p.must_change_password, error=str(exc)), 400)
        audit.record(store, "password", p.name, client_address())
        start_session(users.get_user(store, p.name))
        return redirect("/")

    def _html(page: str, status: int = 200) -> Response:
        return Response(page, status=status, mimetype="text/html", content_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-store"})

    from callbacks import admin  # the /admin pages: users, links, audit

    admin.register(server, store, settings, secret, _html)


def _safe_next(target: str) -> str:
    """Only a path on this site (no //evil.example, no scheme)."""
    parts = urlsplit(target or "/")
    if parts.scheme or parts.netloc or not (target or "/").startswith("/") or target.startswith("//"):
        return "/"
    return target
