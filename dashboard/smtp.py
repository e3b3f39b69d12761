"""Talking to an intranet mail server (``DASHBOARD_SMTP_URL``): the URL, one message, and one
delivery over one connection. Knows nothing of the store; :mod:`dashboard.schedules.mail`
decides who gets what."""
from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

MIME = {"pdf": ("application", "pdf"),
        "pptx": ("application", "vnd.openxmlformats-officedocument.presentationml.presentation")}
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    security: str          # none | starttls | tls
    user: str | None
    password: str | None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


_SCHEMES = {"smtp": ("none", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}


def parse_server(url: str) -> Server:
    """``smtp://host[:port]``, ``smtp+starttls://user:password@host[:port]`` or ``smtps://…``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in _SCHEMES or not parts.hostname:
        raise ValueError(f"DASHBOARD_SMTP_URL must be {', '.join(f'{s}://host' for s in _SCHEMES)}, got scheme {parts.scheme!r}")
    security, port = _SCHEMES[parts.scheme]
    return Server(parts.hostname, parts.port or port, security,
                  unquote(parts.username) if parts.username else None,
                  unquote(parts.password) if parts.password else None)


@dataclass(frozen=True)
class Letter:
    """What every subscriber of one run gets."""
    subject: str
    body: str
    file: Path
    format: str


def message(letter: Letter, attachment: bytes, sender: str, to: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = letter.subject
    msg["From"] = formataddr(("章丘区委老干部局党建看板", sender))
    msg["To"] = to
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(letter.body)
    maintype, subtype = MIME[letter.format]
    msg.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=letter.file.name)
    return msg


@dataclass(frozen=True)
class Delivery:
    sent: tuple[str, ...]                 # user names sent to in this delivery
    refused: tuple[tuple[str, str], ...]  # (user name, the server's reason): not retried
    error: str | None                     # the connection failed: retry the rest later


def deliver(server: Server, sender: str, letter: Letter, to: Iterable[tuple[str, str]]) -> Delivery:
    """Send ``letter`` to each (user name, address), one message each, over one connection."""
    sent: list[str] = []
    refused: list[tuple[str, str]] = []
    attachment = letter.file.read_bytes()  # a missing file is the caller's error, not the server's
    try:
        with _connect(server) as smtp:
            for user, address in to:
                try:
                    smtp.send_message(message(letter, attachment, sender, address), from_addr=sender, to_addrs=[address])
                except smtplib.SMTPRecipientsRefused as exc:
                    code, reason = next(iter(exc.recipients.values()))
                    if 400 <= code < 500:  # a temporary refusal: the whole delivery is tried again later
                        raise
                    refused.append((user, f"{code} {_text(reason)}"))
                else:
                    sent.append(user)
    except (smtplib.SMTPException, OSError) as exc:
        return Delivery(tuple(sent), tuple(refused), _reason(server, exc))
    return Delivery(tuple(sent), tuple(refused), None)


def _connect(server: Server) -> smtplib.SMTP:
    if server.security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    try:
        if server.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if server.user:
            smtp.login(server.user, server.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _text(reason: bytes | str) -> str:
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def _reason(server: Server, exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        what = "邮件服务器拒绝了登录(用户名或密码不正确)"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reason = next(iter(exc.recipients.values()))
        what = f"邮件服务器暂时拒收({code} {_text(reason)})"
    elif isinstance(exc, smtplib.SMTPResponseException):
        what = f"邮件服务器拒绝({exc.smtp_code} {_text(exc.smtp_error)})"
    elif isinstance(exc, (socket.timeout, TimeoutError)):
        what = "连接邮件服务器超时"
    elif isinstance(exc, ssl.SSLError):
        what = "与邮件服务器的加密连接失败"
    elif isinstance(exc, OSError):
        what = "无法连接邮件服务器"
    else:
        what = "邮件发送失败"
    return f"{what}:{server.where}({type(exc).__name__})"[:500]
