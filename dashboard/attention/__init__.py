"""需关注: what is overdue on the as-of day, ranked, each with why, since when and its records.

The rules and their thresholds are defined in docs/indicators.md ("需关注 · Attention"). Core
code: plain data in, plain data out; no Dash, no Flask.
"""
from dashboard.attention.compute import attention
from dashboard.attention.ledgers import freshness
from dashboard.attention.model import KIND_LABELS, KINDS, Attention, Item, Thresholds
from dashboard.attention.sites import completeness
from dashboard.attention.text import attention_view, summary_lines

__all__ = [
    "KINDS", "KIND_LABELS", "Attention", "Item", "Thresholds", "attention", "attention_view", "completeness",
    "freshness", "summary_lines",
]
