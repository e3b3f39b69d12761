"""All run-time settings, read once from environment variables."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'dashboard.sqlite3'}"


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8050
    refresh_seconds: int = 10
    cache_url: str | None = None
    map_tiles: str | None = None
    embed_origins: tuple[str, ...] = field(default_factory=tuple)
    import_max_mb: int = 20
    chromium: str | None = None   # BROWSER_PATH (kaleido's own variable) or DASHBOARD_CHROMIUM
    export_tabs: int = 1

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        origins = tuple(o for o in env.get("DASHBOARD_EMBED_ORIGINS", "").split() if o)
        return cls(
            database_url=env.get("DASHBOARD_DATABASE_URL") or DEFAULT_DATABASE_URL,
            host=env.get("HOST") or "127.0.0.1",
            port=_int(env, "PORT", 8050),
            refresh_seconds=max(1, _int(env, "DASHBOARD_REFRESH_SECONDS", 10)),
            cache_url=env.get("DASHBOARD_CACHE_URL") or None,
            map_tiles=env.get("DASHBOARD_MAP_TILES") or None,
            embed_origins=origins,
            import_max_mb=max(1, _int(env, "DASHBOARD_IMPORT_MAX_MB", 20)),
            chromium=env.get("BROWSER_PATH") or env.get("DASHBOARD_CHROMIUM") or None,
            export_tabs=max(1, _int(env, "DASHBOARD_EXPORT_TABS", 1)),
        )
