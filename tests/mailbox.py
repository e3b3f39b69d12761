"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd): it keeps what it receives, may ask
for a login, and refuses chosen addresses for good (550) or for now (451)."""
from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    login: tuple[str, str] | None = None
    refuse_for_good: set[str] = field(default_factory=set)
    refuse_once: set[str] = field(default_factory=set)
    received: list[tuple[tuple[str, ...], EmailMessage]] = field(default_factory=list)
    port: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ARG002 - aiosmtpd's hook
        if address in self.refuse_for_good:
            return "550 5.1.1 mailbox unavailable"
        if address in self.refuse_once:
            self.refuse_once.discard(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ARG002
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append((tuple(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):  # noqa: ARG002
        ok = self.login is not None and (auth_data.login.decode(), auth_data.password.decode()) == self.login
        return AuthResult(success=ok, handled=False)  # handled=True would leave the reply to us

    def url(self, user: str | None = None, password: str | None = None) -> str:
        who = f"{user}:{password}@" if user else ""
        return f"smtp://{who}127.0.0.1:{self.port}"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.received if address in rcpt]


class Running:
    """``with Running(Mailbox()) as box:`` serves until the block ends."""

    def __init__(self, box: Mailbox):
        self.box = box
        box.port = free_port()
        extra = {"authenticator": box._authenticate, "auth_require_tls": False} if box.login else {}
        self.controller = Controller(box, hostname="127.0.0.1", port=box.port, **extra)

    def __enter__(self) -> Mailbox:
        self.controller.start()
        return self.box

    def __exit__(self, *exc) -> None:
        self.controller.stop()
