"""四就近: whether retired cadres can study, take part, be cared for and be of use near home.

For every cadre with a home position, the distance to the nearest open site of each kind, the
share within reach per street and for the district (now and a year before), where the cadres out
of reach live (on a grid, never single homes), and the one new site per street that would bring
the most of them within reach. Definitions: docs/indicators.md ("四就近 · Within reach").

Modules: :mod:`~dashboard.reach.rules` (the kinds, their site types, the settings' parsing),
:mod:`~dashboard.reach.geometry` (metres on a local plane, the grid, the district's outline),
:mod:`~dashboard.reach.distance` (how far a cadre travels: straight line × detour),
:mod:`~dashboard.reach.data` (the only SQL), :mod:`~dashboard.reach.coverage`,
:mod:`~dashboard.reach.suggest` and :mod:`~dashboard.reach.views` (tables and figures).
This package imports only :mod:`~dashboard.reach.rules` here, so that the settings can read it.
"""
from dashboard.reach.rules import ALL_FOUR, KINDS, LABELS, ReachRules

__all__ = ["ALL_FOUR", "KINDS", "LABELS", "ReachRules"]
