"""Who may see and change what: users and roles (:mod:`.users`), the access rules and street
scope (:mod:`.principal`), signed links for screens and embeds (:mod:`.links`), the audit
trail (:mod:`.audit`) and the key that signs sessions and links (:func:`secret_key`)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from dashboard.access.principal import (
    ACTIONS,
    ADMIN,
    EMBED_LINK,
    LEADER,
    ROLE_NAMES,
    ROLES,
    SCREEN_LINK,
    STAFF,
    Forbidden,
    Principal,
    check,
    check_link_query,
    narrow,
)
from dashboard.settings import DATA_DIR

__all__ = ["ACTIONS", "ADMIN", "EMBED_LINK", "LEADER", "ROLES", "ROLE_NAMES", "SCREEN_LINK", "STAFF", "Forbidden",
           "Principal", "SECRET_KEY_FILE", "check", "check_link_query", "narrow", "secret_key"]


SECRET_KEY_FILE = DATA_DIR / "secret-key"


def secret_key(configured: str | None, path: Path = SECRET_KEY_FILE) -> bytes:
    """The key that signs sessions and links: the setting if given, else a random key kept in
    ``path`` (created readable by its owner only). Every process and host of one deployment
    must use the same key."""
    if configured:
        return configured.encode("utf-8")
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key
