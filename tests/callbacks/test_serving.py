"""How `python app.py` sets up the processes it serves in."""
from __future__ import annotations

import platform

import pytest

from callbacks import serving


def test_an_operators_malloc_arena_max_is_left_as_it_is(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    called = []
    monkeypatch.setattr(serving.ctypes, "CDLL", lambda *_: called.append(1))
    assert serving.few_malloc_arenas() is False and called == []


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_on_glibc_the_server_caps_its_malloc_arenas(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert serving.few_malloc_arenas() is True
