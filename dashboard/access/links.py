"""Signed links for screens and embeds: a token that says what it opens (the big screen or one
panel), with which filter, until when. It is refused when altered, after it expires, and after
it is revoked (the store keeps every link)."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from sqlalchemy import select

from dashboard.access.principal import EMBED_LINK, SCREEN_LINK, Principal
from dashboard.schema import Link
from dashboard.store import Store, utcnow

MAX_DAYS = 3660  # a screen may run for years on one link, but not for ever


class LinkError(ValueError):
    """A link that cannot be made or used; the message is Chinese."""


RECORDS_TARGET = "records/"


@dataclass(frozen=True)
class LinkInfo:
    id: int
    kind: str
    target: str
    query: str
    note: str | None
    created_by: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def path(self) -> str:
        if self.kind == SCREEN_LINK:
            return "/screen"
        # an embed link opens one panel (/embed/<panel-id>) or one 明细 list (target records/<kind>)
        return f"/{self.target}" if self.target.startswith(RECORDS_TARGET) else f"/embed/{self.target}"

    def state(self, at: dt.datetime | None = None) -> str:
        at = at or utcnow()
        if self.revoked_at is not None:
            return "已撤销"
        return "已过期" if self.expires_at <= at else "有效"

    def principal(self) -> Principal:
        return Principal(f"link:{self.id}", f"{'大屏' if self.kind == SCREEN_LINK else '嵌入'}链接 #{self.id}",
                         self.kind, link_id=self.id, link_target=self.target, link_query=self.query)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


def token_for(secret: bytes, link: LinkInfo) -> str:
    body = {"i": link.id, "k": link.kind, "t": link.target, "q": link.query,
            "e": int(link.expires_at.replace(tzinfo=dt.UTC).timestamp())}
    payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    return f"{payload}.{_sign(secret, payload)}"


def _info(link: Link) -> LinkInfo:
    return LinkInfo(link.id, link.kind, link.target, link.query, link.note, link.created_by, link.created_at,
                    link.expires_at, link.revoked_at)


def create(store: Store, secret: bytes, kind: str, target: str, query: str, days: float,
           created_by: str | None = None, note: str | None = None) -> tuple[LinkInfo, str]:
    """A new link and its token. ``query`` is a canonical filter query string."""
    if kind not in (SCREEN_LINK, EMBED_LINK):
        raise LinkError(f"未知的链接类型:“{kind}”(可选:screen、embed)")
    if not 0 < days <= MAX_DAYS:
        raise LinkError(f"有效期须在 1 秒到 {MAX_DAYS} 天之间")
    expires = (utcnow() + dt.timedelta(days=days)).replace(microsecond=0)
    with store.session() as s, s.begin():
        link = Link(kind=kind, target=target if kind == EMBED_LINK else "screen", query=query or "", note=note,
                    created_by=created_by, expires_at=expires)
        s.add(link)
        s.flush()
        info = _info(link)
    return info, token_for(secret, info)


def verify(store: Store, secret: bytes, token: str, at: dt.datetime | None = None) -> LinkInfo:
    """The link a token opens, or :class:`LinkError` (altered, unknown, expired or revoked)."""
    payload, _, signature = (token or "").partition(".")
    if not payload.isascii() or not signature.isascii():
        raise LinkError("链接无效")
    if not payload or not signature or not hmac.compare_digest(_sign(secret, payload), signature):
        raise LinkError("链接无效(签名不符,可能已被改动)")
    try:
        body = json.loads(_unb64(payload))
        link_id = int(body["i"])
    except (ValueError, KeyError, TypeError):
        raise LinkError("链接无效") from None
    with store.session() as s:
        link = s.get(Link, link_id)
        info = None if link is None else _info(link)
    if info is None or token_for(secret, info) != token:
        raise LinkError("链接无效(不存在或内容不符)")
    state = info.state(at)
    if state != "有效":
        raise LinkError(f"链接{state}")
    return info


def revoke(store: Store, link_id: int) -> LinkInfo:
    with store.session() as s, s.begin():
        link = s.get(Link, link_id)
        if link is None:
            raise LinkError(f"没有编号为 {link_id} 的链接")
        if link.revoked_at is None:
            link.revoked_at = utcnow()
        s.flush()
        return _info(link)


def get(store: Store, link_id: int) -> LinkInfo | None:
    with store.session() as s:
        link = s.get(Link, link_id)
        return None if link is None else _info(link)


def list_links(store: Store) -> list[LinkInfo]:
    with store.session() as s:
        return [_info(link) for link in s.scalars(select(Link).order_by(Link.id.desc()))]
