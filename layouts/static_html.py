"""A page's component tree as plain HTML, for the page's first response: the numbers can be
read before plotly.js and React have loaded (``app.py`` puts it beside the app's entry point,
and ``assets/ssr.js`` swaps it for the live page once React has drawn the same tree).

It draws the components the pages use the way their React versions do (the same tags and
classes, so the live page lands on the same pixels): ``html.*``, the Bootstrap components
(``dbc.Row``, ``Col``, ``Card``…, ``Select``, ``Checklist``, ``Button``, ``Alert``) and the core
components (a graph is an empty box of its height; stores, intervals and locations draw
nothing). Every id is prefixed, so the copy and the live page never share one. Text is escaped;
only a panel menu's own markup (``data-html-block``, built by ``layouts.components``) is markup.
"""
from __future__ import annotations

import re
from html import escape

from layouts.components import HTML_BLOCK

PREFIX = "ssr-"
VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "source"})
_ID_REFS = ("htmlFor", "aria-labelledby", "aria-describedby", "aria-controls")
_ATTR = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex", "colSpan": "colspan",
         "rowSpan": "rowspan"}
_SKIP = {"children", "id", "style", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "key", "loading_state",
         "setProps"}
_CSS_NAME = re.compile(r"(?<!^)(?=[A-Z])")
_NOTHING = frozenset({"Store", "Interval", "Location", "Download"})
_COL_SIZES = ("xs", "sm", "md", "lg", "xl", "xxl")


def render(node, prefix: str = PREFIX) -> str:
    """``node`` (a component, a list, text or None) as HTML."""
    if node is None or node is False:
        return ""
    if isinstance(node, (list, tuple)):
        return "".join(render(n, prefix) for n in node)
    if isinstance(node, (str, int, float)):
        return escape(str(node))
    kind, namespace = type(node).__name__, getattr(node, "_namespace", "")
    if namespace == "dash_html_components":
        return _html_tag(node, kind.lower(), prefix)
    if namespace == "dash_bootstrap_components":
        return _bootstrap(node, kind, prefix)
    if namespace == "dash_core_components":
        return _core(node, kind, prefix)
    return render(getattr(node, "children", None), prefix)


def _props(node) -> dict:
    """The props given, wildcards (``aria-*``, ``data-*``) too."""
    return {k: v for k, v in node.to_plotly_json()["props"].items() if v is not None}


def _style(style: dict | None) -> str:
    if not style:
        return ""
    return ";".join(f"{_CSS_NAME.sub('-', k).lower()}:{v}{'px' if isinstance(v, (int, float)) and k != 'zIndex' else ''}"
                    for k, v in style.items())


def _attrs(props: dict, prefix: str, classes: str = "", extra: dict | None = None) -> str:
    out = {}
    if isinstance(props.get("id"), str):  # a pattern-matching id (a dict) names nothing in the copy
        out["id"] = f"{prefix}{props['id']}"
    for name, value in props.items():
        if name in _SKIP or name == HTML_BLOCK or callable(value):
            continue
        attr = _ATTR.get(name, name)
        if name in _ID_REFS:
            value = " ".join(f"{prefix}{part}" for part in str(value).split())
        if isinstance(value, bool):
            if value:
                out[attr.lower()] = ""
            continue
        out[attr] = value
    if classes:
        out["class"] = " ".join(c for c in (classes, out.get("class", "")) if c)
    if props.get("style"):
        out["style"] = _style(props["style"])
    out.update(extra or {})
    return "".join(f" {k}" if v == "" and k in ("hidden", "open", "disabled", "checked", "selected") else
                   f' {k}="{escape(str(v))}"' for k, v in out.items())


def _html_tag(node, tag: str, prefix: str, classes: str = "") -> str:
    props = _props(node)
    inner = props[HTML_BLOCK] if HTML_BLOCK in props else render(props.get("children"), prefix)
    if tag in VOID:
        return f"<{tag}{_attrs(props, prefix, classes)}>"
    return f"<{tag}{_attrs(props, prefix, classes)}>{inner}</{tag}>"


def _div(props: dict, prefix: str, classes: str, inner: str, tag: str = "div") -> str:
    keep = {k: v for k, v in props.items() if k in ("id", "className", "style", "role") or k.startswith(("aria-", "data-"))}
    return f"<{tag}{_attrs(keep, prefix, classes)}>{inner}</{tag}>"


def _col_classes(props: dict) -> str:
    out = []
    for size in _COL_SIZES:
        width = props.get(size)
        if width is None:
            continue
        infix = "" if size == "xs" else f"-{size}"
        out.append(f"col{infix}" if width is True else f"col{infix}-{width}")
    return " ".join(out) or "col"


def _bootstrap(node, kind: str, prefix: str) -> str:
    props = _props(node)
    inner = render(props.get("children"), prefix)
    if kind == "Row":
        return _div(props, prefix, "row", inner)
    if kind == "Col":
        return _div(props, prefix, _col_classes(props), inner)
    if kind in ("Card", "CardBody", "CardHeader", "CardFooter"):
        return _div(props, prefix, {"Card": "card", "CardBody": "card-body", "CardHeader": "card-header",
                                    "CardFooter": "card-footer"}[kind], inner)
    if kind == "Alert":
        return _div(props, prefix, f"alert alert-{props.get('color', 'primary')}", inner)
    if kind == "Button":
        color = props.get("color", "primary")
        style = f"btn btn-outline-{color}" if props.get("outline") else f"btn btn-{color}"
        return f'<button type="button"{_attrs({"id": props.get("id"), "className": props.get("className")}, prefix, style)}>' \
               f"{inner}</button>"
    if kind == "Select":
        chosen = props.get("value")
        options = "".join(f'<option value="{escape(str(o["value"]))}"{" selected" if o["value"] == chosen else ""}>'
                          f'{escape(str(o["label"]))}</option>' for o in props.get("options") or ())
        size = f" form-select-{props['size']}" if props.get("size") else ""
        return f'<select{_attrs({"id": props.get("id"), "className": props.get("className")}, prefix, "form-select" + size)}>' \
               f"{options}</select>"
    if kind == "Checklist":
        return _checklist(props, prefix)
    return inner


def _checklist(props: dict, prefix: str) -> str:
    chosen = set(props.get("value") or ())
    base = props.get("id", "checklist")
    items = []
    for i, option in enumerate(props.get("options") or ()):
        box = f"{prefix}{base}-{i}"
        checked = " checked" if option["value"] in chosen else ""
        inline = " form-check-inline" if props.get("inline") else ""
        items.append(f'<div class="form-check{inline}"><input class="form-check-input" type="checkbox" id="{escape(box)}"'
                     f' value="{escape(str(option["value"]))}"{checked}>'
                     f'<label class="form-check-label" for="{escape(box)}">{escape(str(option["label"]))}</label></div>')
    return _div(props, prefix, "", "".join(items))


def _core(node, kind: str, prefix: str) -> str:
    props = _props(node)
    if kind in _NOTHING:
        return ""
    if kind == "Graph":
        # the graph's box, as tall as the live one: it lands on the same place, and plotly draws into it there
        style = {"height": "100%", **(props.get("style") or {})}
        return _div({"id": props.get("id"), "className": props.get("className"), "style": style}, prefix,
                    "dash-graph", "")
    if kind == "Input":
        keep = {k: props.get(k) for k in ("id", "type", "value", "min", "max", "className", "disabled", "placeholder")}
        return f"<input{_attrs({k: v for k, v in keep.items() if v is not None}, prefix)}>"
    if kind == "Link":
        return f'<a href="{escape(str(props.get("href", "")))}">{render(props.get("children"), prefix)}</a>'
    return render(props.get("children"), prefix)
