"""Users in the store: passwords (argon2), roles, streets, and logging in with a lockout that
grows after repeated failures."""
from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from dashboard.access.principal import ROLE_NAMES, ROLES, STAFF, Principal
from dashboard.schema import Street, User, UserStreet
from dashboard.store import Store, utcnow

MIN_PASSWORD = 8
FREE_FAILURES = 5              # wrong passwords before the account is locked
FIRST_LOCK = dt.timedelta(seconds=30)
LONGEST_LOCK = dt.timedelta(hours=1)
_hasher = PasswordHasher()
# a mail address in its plain form (no display name, no comments), as an intranet server takes it
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")
# verified against when a user does not exist, so that a wrong name takes as long as a wrong password
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class UserError(ValueError):
    """A bad user operation; the message is Chinese."""


@dataclass(frozen=True)
class UserInfo:
    name: str
    display_name: str
    role: str
    streets: tuple[str, ...]
    enabled: bool
    must_change_password: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    last_login: dt.datetime | None
    session_epoch: int = 0
    email: str | None = None

    def principal(self) -> Principal:
        return Principal(self.name, self.display_name, self.role, self.streets,
                         must_change_password=self.must_change_password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 位")
    if password.isdigit() or password.isalpha():
        raise UserError("密码须同时包含字母和数字(或其他符号)")


def _info(session, user: User) -> UserInfo:
    streets = tuple(session.scalars(select(UserStreet.street_code).where(UserStreet.user_id == user.id)
                                    .order_by(UserStreet.street_code)))
    return UserInfo(user.name, user.display_name, user.role, streets, user.enabled, user.must_change_password,
                    user.failed_attempts, user.locked_until, user.last_login, user.session_epoch or 0, user.email)


def _check_streets(session, codes: list[str]) -> list[str]:
    """Street codes or names → codes; unknown ones are refused."""
    out = []
    for code in codes:
        street = session.scalar(select(Street).where((Street.code == code) | (Street.name == code)))
        if street is None:
            raise UserError(f"未知的街道:“{code}”")
        out.append(street.code)
    return list(dict.fromkeys(out))


def add_user(store: Store, name: str, password: str, role: str, streets: list[str] | None = None,
             display_name: str | None = None, must_change: bool = False) -> UserInfo:
    name = (name or "").strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise UserError("用户名须为 1–64 个字符,不含空格")
    if role not in ROLES:
        raise UserError(f"未知的角色:“{role}”(可选:{'、'.join(ROLES)})")
    check_password_rules(password)
    with store.session() as s, s.begin():
        if s.scalar(select(User).where(User.name == name)) is not None:
            raise UserError(f"用户“{name}”已存在")
        codes = _check_streets(s, streets or [])
        if role == STAFF and not codes:
            raise UserError("街道工作人员须至少指定一个街道(--street)")
        user = User(name=name, display_name=display_name or name, role=role, enabled=True,
                    password_hash=_hasher.hash(password), must_change_password=must_change, failed_attempts=0)
        s.add(user)
        s.flush()
        s.add_all(UserStreet(user_id=user.id, street_code=c) for c in codes)
        s.flush()
        return _info(s, user)


def _user(session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise UserError(f"没有用户“{name}”")
    return user


def _end_sessions(user: User) -> None:
    """Every session of the user ends at its next request (call :func:`_forget` after the commit)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def set_password(store: Store, name: str, password: str, must_change: bool = False) -> None:
    check_password_rules(password)
    with store.session() as s, s.begin():
        user = _user(s, name)
        user.password_hash = _hasher.hash(password)
        user.must_change_password = must_change
        user.failed_attempts, user.locked_until = 0, None
        _end_sessions(user)  # sessions made with the old password end
    _forget(name)


def change_password(store: Store, name: str, old: str, new: str) -> None:
    """The user's own change: the old password first (a wrong one counts towards the lockout)."""
    result = authenticate(store, name, old)
    if result.user is None:
        raise UserError(result.reason if result.locked_until else "原密码不正确")
    if old == new:
        raise UserError("新密码不能与原密码相同")
    set_password(store, name, new)


def set_enabled(store: Store, name: str, enabled: bool) -> None:
    with store.session() as s, s.begin():
        user = _user(s, name)
        user.enabled = enabled
        _end_sessions(user)
    _forget(name)


def set_email(store: Store, name: str, address: str) -> UserInfo:
    """The address subscribed briefings are mailed to (empty: none); a wrong one is a :class:`UserError`."""
    address = str(address).strip()
    if address and (len(address) > 254 or not _ADDRESS.match(address)):
        raise UserError("邮箱地址格式不正确(例如 zhangsan@zhangqiu.gov.cn)")
    with store.session() as s, s.begin():
        user = _user(s, name)
        user.email = address or None
        s.flush()
        info = _info(s, user)
    _forget(name)
    return info


def end_sessions(store: Store, name: str) -> None:
    """Every session of the user ends at its next request (logging out ends them all)."""
    with store.session() as s, s.begin():
        user = s.scalar(select(User).where(User.name == name))
        if user is not None:
            _end_sessions(user)
    _forget(name)


def grant_streets(store: Store, name: str, streets: list[str], replace_all: bool = False) -> UserInfo:
    with store.session() as s, s.begin():
        user = _user(s, name)
        codes = _check_streets(s, streets)
        if replace_all:
            s.execute(delete(UserStreet).where(UserStreet.user_id == user.id))
            s.flush()
        have = set(s.scalars(select(UserStreet.street_code).where(UserStreet.user_id == user.id)))
        s.add_all(UserStreet(user_id=user.id, street_code=c) for c in codes if c not in have)
        s.flush()
        info = _info(s, user)
    _forget(name)  # after the commit: a request meanwhile may have read the old streets
    return info


def get_user(store: Store, name: str) -> UserInfo | None:
    with store.session() as s:
        user = s.scalar(select(User).where(User.name == name))
        return None if user is None else _info(s, user)


# Every request looks its user up (disabled? logged out elsewhere?). The answer is kept for a
# moment: a page polls every few seconds, and a screen wall of them would otherwise read the
# users table hundreds of times a second. Changes made in this process clear it at once; a
# change made by another process (the CLI, another worker) is seen within RECHECK seconds.
RECHECK = 2.0
_recent: dict[tuple[str, str], tuple[float, UserInfo | None]] = {}


def current_user(store: Store, name: str) -> UserInfo | None:
    key, now_ = (store.url, name), time.monotonic()
    hit = _recent.get(key)
    if hit is not None and now_ - hit[0] < RECHECK:
        return hit[1]
    info = get_user(store, name)
    if len(_recent) > 10_000:
        _recent.clear()
    _recent[key] = (now_, info)
    return info


def _forget(name: str) -> None:
    for key in [k for k in _recent if k[1] == name]:
        _recent.pop(key, None)


def list_users(store: Store) -> list[UserInfo]:
    with store.session() as s:
        return [_info(s, u) for u in s.scalars(select(User).order_by(User.name))]


def has_users(store: Store) -> bool:
    with store.engine.connect() as conn:
        return conn.execute(select(User.id).limit(1)).first() is not None


@dataclass(frozen=True)
class LoginResult:
    user: UserInfo | None
    reason: str = ""                      # Chinese, for the login page
    locked_until: dt.datetime | None = None


def _lock_for(failures: int) -> dt.timedelta | None:
    if failures < FREE_FAILURES:
        return None
    return min(FIRST_LOCK * 2 ** (failures - FREE_FAILURES), LONGEST_LOCK)


def authenticate(store: Store, name: str, password: str, at: dt.datetime | None = None,
                 count: bool = True) -> LoginResult:
    """Check a name and password. A wrong password counts against the account; from the
    fifth, each one locks it for longer (30 s, 1 min, 2 min … up to an hour). A locked account is
    refused without looking at the password."""
    at = at or utcnow()
    wrong = LoginResult(None, "用户名或密码不正确")
    with store.session() as s, s.begin():
        user = s.scalar(select(User).where(User.name == (name or "").strip()))
        if user is None:
            _burn(password)
            # a name that does not exist locks like one that does: the answers tell nothing apart
            locked_until = _ghost_failure((name or "").strip(), at) if count else None
            return _locked(locked_until, at) if locked_until else wrong
        if user.locked_until is not None and user.locked_until > at:
            _burn(password)
            return _locked(user.locked_until, at)
        try:
            _hasher.verify(user.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            if count:
                user.failed_attempts += 1
                lock = _lock_for(user.failed_attempts)
                user.locked_until = at + lock if lock else None
            return wrong
        if not user.enabled:
            return LoginResult(None, "该账户已停用,请联系管理员")
        if count:
            user.failed_attempts, user.locked_until, user.last_login = 0, None, at
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
        return LoginResult(_info(s, user))


def _burn(password: str | None) -> None:
    """The work of checking a password, for answers that must take as long as a real check."""
    try:
        _hasher.verify(_DUMMY_HASH, password or "")
    except VerificationError:
        pass


def _locked(until: dt.datetime, at: dt.datetime) -> LoginResult:
    seconds = int((until - at).total_seconds()) + 1
    return LoginResult(None, f"连续输错密码次数过多,账户已暂时锁定,请 {seconds} 秒后再试", until)


_ghosts: dict[str, tuple[int, dt.datetime | None]] = {}
_GHOSTS_KEPT = 10_000


def _ghost_failure(name: str, at: dt.datetime) -> dt.datetime | None:
    """Count a failure for a name that has no account, as for one that has; its lock, if any."""
    failures, until = _ghosts.pop(name, (0, None))
    if until is not None and until > at:
        _ghosts[name] = (failures, until)
        return until
    failures += 1
    lock = _lock_for(failures)
    _ghosts[name] = (failures, at + lock if lock else None)
    while len(_ghosts) > _GHOSTS_KEPT:
        _ghosts.pop(next(iter(_ghosts)))
    return None


def one_time_password() -> str:
    """A random password that passes the rules (letters and digits)."""
    while True:
        candidate = secrets.token_urlsafe(12)
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


def describe(u: UserInfo) -> str:
    state = "启用" if u.enabled else "停用"
    streets = ",".join(u.streets) or "-"
    return f"{u.name}\t{u.display_name}\t{ROLE_NAMES[u.role]}({u.role})\t{state}\t{streets}\t{u.email or '-'}"
