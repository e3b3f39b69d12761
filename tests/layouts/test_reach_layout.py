"""Where 四就近 sits on the staff page: right after the site map and 四位一体, the coverage table
beside its chart and the grid map beside the suggested sites."""
from __future__ import annotations

from layouts import ids, overview
from tests.tree import ids as ids_of


def test_the_reach_panels_follow_the_four_areas_of_work_on_the_staff_page():
    rows = [[p.id for p, _, _ in row] for row in overview.grid()]
    first = rows.index(["map", "four-in-one"])
    assert rows[first + 1: first + 3] == [["reach", "reach-by-street"], ["reach-gaps", "reach-sites"]]
    page = ids_of(overview.layout())
    for panel_id in ("reach", "reach-by-street", "reach-gaps", "reach-sites"):
        assert ids.panel(panel_id) in page and f"{panel_id}-card" in page
