"""Where 四就近 sits on the staff page: a section (tab) of its own, the coverage table beside
its chart and the grid map beside the suggested sites, and on no other section's page."""
from __future__ import annotations

from layouts import ids, overview
from tests.tree import ids as ids_of

REACH = ("reach", "reach-by-street", "reach-gaps", "reach-sites")


def test_the_reach_panels_have_their_own_section_of_the_staff_page():
    rows = [[p.id for p, _, _ in row] for row in overview.grid("reach")]
    assert rows == [["reach", "reach-by-street"], ["reach-gaps", "reach-sites"]]
    page = ids_of(overview.layout(section="reach"))
    for panel_id in REACH:
        assert ids.panel(panel_id) in page and f"{panel_id}-card" in page
    # the overview itself no longer computes nor draws them
    front = ids_of(overview.layout())
    assert not any(ids.panel(panel_id) in front for panel_id in REACH)
    assert ids.section_tab("reach") in front and overview.section_path("reach") == "/reach"
