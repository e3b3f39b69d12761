"""Turning one cell (from Excel or CSV) into a typed value, or a reason in Chinese."""
from __future__ import annotations

import datetime as dt
import math
import re

from dashboard.ledger.contract import COORD_ALIASES, FALSE_WORDS, TRUE_WORDS
from dashboard.vocab import MULTI_SEPARATOR

_SPACE = re.compile(r"^[\s\u3000\ufeff\u200b\xa0]+|[\s\u3000\ufeff\u200b\xa0]+$")
_DATE = re.compile(
    r"^(\d{4})\s*[年/\-.．]\s*(\d{1,2})\s*[月/\-.．]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_INT = re.compile(r"^[+-]?\d+(?:\.0*)?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
DATE_FORMS = "2020-07-01、2020/7/1、2020年7月1日、2020.7.1 或 Excel 日期"


class Bad(ValueError):
    """A cell that cannot be read as its column's kind; the message is for the user."""


def show(value: object) -> str:
    """A cell as the user typed it, short enough for a message."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    text = str(value)
    return text if len(text) <= 30 else text[:29] + "…"


def clean(value: object) -> object:
    """Strip text; empty text becomes None."""
    if isinstance(value, str):
        value = _SPACE.sub("", value)
        return value or None
    return value


def as_text(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Bad(f"「{show(value)}」不是有效的文字")
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def as_int(value: object) -> int:
    if isinstance(value, bool):
        raise Bad(f"「{show(value)}」不是整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT.match(value.replace(",", "")):
        return int(float(value.replace(",", "")))
    raise Bad(f"「{show(value)}」不是整数")


def as_float(value: object) -> float:
    if isinstance(value, bool):
        raise Bad(f"「{show(value)}」不是数字")
    if isinstance(value, (int, float)):
        out = float(value)
    elif isinstance(value, str):
        try:
            out = float(value.replace(",", "").replace("，", ""))
        except ValueError:
            raise Bad(f"「{show(value)}」不是数字") from None
    else:
        raise Bad(f"「{show(value)}」不是数字")
    if not math.isfinite(out):
        raise Bad(f"「{show(value)}」不是有效数字")
    return out


def _serial(number: float) -> dt.date:
    if not math.isfinite(number) or number < 1 or number > 2958465:
        raise Bad(f"「{show(number)}」不是有效日期,请写作 {DATE_FORMS}")
    # Excel's 1900 system counts a day 60 (1900-02-29) that never was
    days = int(number)
    if days < 61:
        days += 1
    return EXCEL_EPOCH + dt.timedelta(days=days)


def as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, bool):
        raise Bad(f"「{show(value)}」不是日期,请写作 {DATE_FORMS}")
    elif isinstance(value, (int, float)):
        day = _serial(float(value))
    elif isinstance(value, str):
        m = _DATE.match(value) or _COMPACT_DATE.match(value)
        if m:
            try:
                day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise Bad(f"「{show(value)}」不是存在的日期") from None
        elif value.isdigit() and len(value) <= 6:
            day = _serial(float(value))
        else:
            raise Bad(f"「{show(value)}」不是日期,请写作 {DATE_FORMS}")
    else:
        raise Bad(f"「{show(value)}」不是日期,请写作 {DATE_FORMS}")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Bad(f"日期「{day.isoformat()}」超出 1900–2100 年的范围")
    return day


def as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.upper()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise Bad(f"「{show(value)}」应为 是 或 否")


def as_choice(value: object, choices: tuple[str, ...]) -> str:
    text = as_text(value)
    if text in choices:
        return text
    raise Bad(f"「{show(value)}」不在可选值之内(可选:{'、'.join(choices)})")


def as_choices(value: object, choices: tuple[str, ...]) -> str:
    """Several of ``choices``, separated by 、 , ; / or spaces, as one text in the choices' order."""
    parts = [p for p in re.split(r"[、,，;；/\s]+", as_text(value)) if p]
    unknown = [p for p in parts if p not in choices]
    if unknown:
        raise Bad(f"「{'、'.join(unknown)}」不在可选值之内(可选:{'、'.join(choices)};可填多项,用“、”分隔)")
    return MULTI_SEPARATOR.join(c for c in choices if c in parts)


def as_coord_system(value: object) -> str:
    text = as_text(value).upper().replace("-", "").replace("_", "").replace(" ", "")
    if text in COORD_ALIASES:
        return COORD_ALIASES[text]
    raise Bad(f"「{show(value)}」不是可识别的坐标系(可选:WGS84、GCJ02、BD09)")
