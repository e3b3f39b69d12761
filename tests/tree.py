"""Walking Dash component trees in tests."""
from __future__ import annotations

import json

HTML_BLOCK = "data-html-block"


def walk(node):
    """Every component in the tree, depth first."""
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def find(tree, component_id: str):
    return next((node for node in walk(tree) if getattr(node, "id", None) == component_id), None)


def ids(tree) -> set[str]:
    """The ids in a tree; a pattern-matching (dict) id as the JSON the page's DOM shows."""
    return {node.id if isinstance(node.id, str) else json.dumps(node.id, sort_keys=True, separators=(",", ":"))
            for node in walk(tree) if getattr(node, "id", None)}


def html_of(tree) -> str:
    """The markup of the first server-built HTML block in a tree (assets/html-block.js puts it in place)."""
    for node in walk(tree):
        markup = node.to_plotly_json()["props"].get(HTML_BLOCK)
        if markup:
            return markup
    raise AssertionError("no HTML block")


def text_of(node) -> str:
    """The text a component shows: its own and its children's strings, in order."""
    children = getattr(node, "children", node)
    if isinstance(children, str | int | float):
        return str(children)
    if isinstance(children, list):
        return "".join(text_of(c) for c in children)
    return text_of(children) if hasattr(children, "to_plotly_json") else ""
