"""The big screen redraws only the figures whose content changed."""
from __future__ import annotations

from dash import no_update

from callbacks.screen import only_changed
from dashboard import figures


def test_an_unchanged_figure_is_not_sent_again():
    first = {"a": figures.volunteers_by_team([("队1", 10)], "dark"), "b": figures.empty("dark")}
    sent, shown = only_changed(first, None)
    assert sent == first and set(shown) == {"a", "b"}
    again = {"a": figures.volunteers_by_team([("队1", 11)], "dark"), "b": figures.empty("dark")}
    sent, shown2 = only_changed(again, shown)
    assert sent["a"] is again["a"] and sent["b"] is no_update
    assert shown2["b"] == shown["b"] and shown2["a"] != shown["a"]
