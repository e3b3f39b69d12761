"""What callbacks need from the running app, reached through Flask's ``current_app``
(so that nothing imports ``app``)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from dashboard.service import DataService
from dashboard.settings import Settings

EXTENSION = "zhangqiu_dashboard"


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    service: DataService


def runtime() -> Runtime:
    return current_app.extensions[EXTENSION]


def service() -> DataService:
    return runtime().service
