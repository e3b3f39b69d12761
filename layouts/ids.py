"""Component ids, in one place: layouts build with them, callbacks and tests refer to them."""

URL = "url"
FILTER_STATE = "filter-state"      # dcc.Store: {"query": canonical query string, "error": message}
VERSION = "store-version"          # dcc.Store: {"version": int, "changed_at": iso, "ok": bool}
POLL = "poll"                      # dcc.Interval: the cheap change check

STREET = "filter-street"
BRANCH = "filter-branch"
PERIOD = "filter-period"
RANGE_START = "filter-from"
RANGE_END = "filter-to"
AS_OF = "filter-as-of"
RESET = "filter-reset"
MESSAGE = "page-message"
# on a phone the controls fold away behind a button that names the filter in force
FILTER_TOGGLE = "filter-toggle"
FILTER_BODY = "filter-body"
FILTER_SUMMARY = "filter-summary"

AS_OF_TEXT = "header-as-of"
UPDATED_TEXT = "header-updated"
DEMO_MARK = "header-demo"
CONNECTION_MARK = "header-connection"
SCOPE_TEXT = "header-scope"

# The staff page's sections (dashboard.catalogue.SECTIONS) each have a page with the same filters
# and its own panels. The components its callback fills have pattern-matching ids, so that one
# callback fills whichever panels the page has (dash's ALL); each sits inside an element with a
# plain id (panel(), kpi(), records_link() …) that pages, styles and tests find it by.
SLOT_PROPS = (("figure", "figure"), ("children", "children"), ("href", "href"),
              ("delta", "children"), ("delta", "className"))  # (slot kind, property it takes)


def slot(panel_id: str, part: str, kind: str) -> dict:
    """A component the staff page's callback fills: ``kind`` names the properties it takes (see
    SLOT_PROPS), ``part`` which part of the panel it is (body, value, change, note, records)."""
    return {"slot": kind, "panel": panel_id, "part": part}


def section_tab(section: str) -> str:
    """The link to a section's page, which carries the filter in force."""
    return f"section-tab-{section}"

def panel(panel_id: str) -> str:
    """The component that shows a panel's figure, table or list on the staff page."""
    return f"panel-{panel_id}"


def kpi(key: str) -> str:
    """The element whose text is the KPI's number alone (tests read it)."""
    return f"kpi-{key}"


def kpi_delta(key: str) -> str:
    return f"kpi-{key}-delta"


def kpi_note(key: str) -> str:
    return f"kpi-{key}-note"


def menu_field(panel_id: str, part: str) -> str:
    """A part of a panel's 嵌入/导出 menu: ``url``, ``code``, ``png`` or ``svg``
    (assets/panel-menu.js finds them by the same pattern)."""
    return f"menu-{panel_id}-{part}"


def group_filter(panel_id: str) -> str:
    """The select that shows one row group of a table panel (catalogue.Panel.groups)."""
    return f"{panel_id}-group"


def group_box(panel_id: str) -> str:
    return f"{panel_id}-group-box"


def records_link(panel_id: str) -> str:
    """The link to the records behind a panel (明细)."""
    return f"{panel_id}-records"
