"""Writing workbooks: the export of the store, and the empty template with instructions."""
from __future__ import annotations

import datetime as dt
import io

from dashboard import geo
from dashboard.ledger.contract import (
    ACTIVITIES,
    BOOL,
    CHOICE,
    CHOICES,
    CONTACTS,
    COORDSYS,
    DATE,
    INSTRUCTIONS_SHEET,
    PARTICIPATIONS,
    REF,
    SHEETS,
    STREET,
    Col,
    Sheet,
)
from dashboard.ledger.plan import Snapshot
from dashboard.ledger.scope import StoreStreets, resolve
from dashboard.store import Store

TEMPLATE_ROWS = 5000  # rows of the template that carry the drop-downs


def _cell_value(col: Col, value: object) -> object:
    if value is None:
        return None
    if col.kind == BOOL:
        return "是" if value else "否"
    return value


def export_workbook(store: Store, out=None, *, progress=None, streets: tuple[str, ...] | None = None,
                    year: int | None = None) -> bytes:
    """The store's ledger data as a workbook in the import format (export → import is a no-op).

    ``out``: a path or binary file to write to as well; the bytes are returned either way.
    ``streets``: for street staff, the codes (or names) of their streets: only rows of those
    streets, by the rules of :mod:`dashboard.ledger.scope` (so the file imports again as a no-op
    with the same ``streets``); ``None``: everything.
    ``year``: only that year's dated records (see :func:`keep_year`), for a ledger grown past what
    one import may hold; ``None``: every year."""
    from dashboard.ledger.xlsxwrite import write_xlsx

    with store.engine.connect() as conn:
        snap = Snapshot(conn, {s.name for s in SHEETS})
        scope = resolve(conn, streets)
        if scope is not None:
            owner = StoreStreets(conn)
            wanted = frozenset(scope)
            for name, rows in snap.rows.items():
                snap.rows[name] = {k: r for k, r in rows.items() if owner.row_streets(name, k, r) & wanted}
    if year is not None:
        keep_year(snap.rows, year)

    def rows_of(spec: Sheet):
        yield [c.header for c in spec.cols]
        rows = snap.rows[spec.name]
        for n, key in enumerate(sorted(rows, key=_sort_key), start=1):
            row = rows[key] if rows[key] is not None else dict(zip(spec.key, key))
            yield ["WGS84" if col.kind == COORDSYS else _cell_value(col, row.get(col.field)) for col in spec.cols]
            if progress and n % 20000 == 0:
                progress(f"导出「{spec.name}」", n, len(rows))

    buffer = io.BytesIO()
    write_xlsx(buffer, [(spec.name, rows_of(spec), [max(10, 2 * len(c.header) + 4) for c in spec.cols],
                         len(snap.rows[spec.name]) + 1) for spec in SHEETS])
    data = buffer.getvalue()
    _write(out, data)
    return data


def keep_year(rows: dict[str, dict], year: int) -> None:
    """Narrow a snapshot's rows to one year: the 活动 held in it, their 活动参与 and the year's
    走访慰问记录. The registers (街道, 党组织, 人员, 组织关系, 站点, 队伍, 志愿者) stay whole: the
    year's rows refer to them, and they are a small share of a grown ledger."""
    held = {k: r for k, r in rows[ACTIVITIES.name].items() if r["date"].year == year}
    rows[ACTIVITIES.name] = held
    codes = {k[0] for k in held}
    rows[PARTICIPATIONS.name] = {k: r for k, r in rows[PARTICIPATIONS.name].items() if k[0] in codes}
    rows[CONTACTS.name] = {k: r for k, r in rows[CONTACTS.name].items() if k[1].year == year}


def export_years(store: Store) -> list[int]:
    """The years of the store's dated records (活动, 走访慰问记录), newest first; ``[]`` when there are none."""
    from sqlalchemy import func, select

    from dashboard.schema import Activity, Contact

    with store.engine.connect() as conn:
        days = [d for model in (Activity, Contact)
                for d in conn.execute(select(func.min(model.date), func.max(model.date))).one() if d is not None]
    return list(range(max(days).year, min(days).year - 1, -1)) if days else []


def parse_year(text: str | None) -> int | None:
    """``?year=`` of an export: empty for every year, else a year as four digits; a Chinese ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    if not (len(text) == 4 and text.isascii() and text.isdigit()) or not 1900 <= int(text) <= 2100:
        raise ValueError(f"导出年份有误:“{text[:20]}”不是年份(应为四位数字,如 {dt.date.today().year})")
    return int(text)


def _sort_key(key: tuple) -> tuple:
    return tuple((x is None, x.isoformat() if isinstance(x, dt.date) else str(x)) for x in key)


def _write(out, data: bytes) -> None:
    if out is None:
        return
    if hasattr(out, "write"):
        out.write(data)
        return
    with open(out, "wb") as fh:
        fh.write(data)


def _allowed(col: Col) -> str:
    if col.kind in (CHOICE, COORDSYS):
        return "、".join(col.choices)
    if col.kind == CHOICES:
        return "可填多项,用“、”分隔:" + "、".join(col.choices)
    if col.kind == BOOL:
        return "是、否"
    if col.kind == DATE:
        return "日期"
    if col.kind == REF and col.ref == STREET:
        return "街道编码或街道名称"
    if col.kind == REF:
        return "编码(本次导入或现有数据中)"
    return ""


GENERAL_RULES = (
    "本工作簿是章丘区委老干部局党建台账的导入格式。可只填写其中部分工作表;工作表名称和列名不可更改。",
    "每个工作表第一行是列名;列名前可以有标题行(最多 10 行内)。空行会被跳过。",
    "各表按「编码」新增或更新:编码已存在即更新该条,否则新增。没有出现在文件中的记录保持不变;"
    "记录只能通过填写结束日期(撤销/转出/停用/解散/退出日期)来结束,不会因未出现在文件中而被删除。",
    "组织关系、志愿者两表以「人员编码+组织(队伍)编码+转入(加入)日期」为一条记录;活动参与以「活动编码+人员编码」为一条记录;"
    "走访慰问记录以「人员编码+日期+方式」为一条记录,每位老干部每次联系一行。",
    "人员的出生日期、健康状况、独居、联系电话和走访慰问记录属于个人信息,仅供有权查看姓名的人员使用;出生日期须与出生年份一致。",
    "日期可填写 Excel 日期,或文字 2020-07-01、2020/7/1、2020年7月1日、2020.7.1。",
    "坐标:街道和人员的经纬度为 WGS84;站点可在「坐标系」列注明 WGS84、GCJ02(高德/腾讯)或 BD09(百度),空白即 WGS84,"
    "导入时统一换算为 WGS84。坐标须在章丘区范围内。",
    "街道可填 12 位街道编码,也可填街道名称(如 明水街道)。",
    "请勿使用合并单元格和公式(请粘贴为数值)。隐藏的行照常导入。",
    "任何一处有误,整个文件都不会导入;系统会列出每个问题所在的工作表、行号、列名和原因。",
    "也可以每个工作表保存为一个 CSV 文件,文件名即工作表名称(如 党组织.csv),UTF-8 或 GBK 编码均可。",
)


def build_template(out=None) -> bytes:
    """The empty workbook with an instructions sheet and drop-down lists for the listed values."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    info = wb.active
    info.title = INSTRUCTIONS_SHEET
    bold = Font(bold=True)
    info.append(["章丘区委老干部局 党建台账导入模板 填写说明"])
    info["A1"].font = Font(bold=True, size=14)
    info.append([])
    for i, rule in enumerate(GENERAL_RULES, start=1):
        info.append([f"{i}. {rule}"])
    info.append([])
    info.append(["工作表", "列名", "必填", "可填写的值", "说明"])
    for cell in info[info.max_row]:
        cell.font = bold
    for spec in SHEETS:
        for col in spec.cols:
            key = "(键)" if col.field in spec.key else ""
            info.append([spec.name, col.header + key, "是" if col.required else "", _allowed(col), col.note])
    for letter, width in zip("ABCDE", (12, 18, 6, 60, 30)):
        info.column_dimensions[letter].width = width
    for row in info.iter_rows(min_row=3, max_row=2 + len(GENERAL_RULES)):
        row[0].alignment = Alignment(wrap_text=False)

    street_names = ",".join(t.name for t in geo.townships())
    required_fill = PatternFill("solid", fgColor="FDE9D9")
    optional_fill = PatternFill("solid", fgColor="EAF1FB")
    for spec in SHEETS:
        ws = wb.create_sheet(spec.name)
        ws.append([c.header for c in spec.cols])
        ws.freeze_panes = "A2"
        for i, col in enumerate(spec.cols, start=1):
            letter = get_column_letter(i)
            cell = ws.cell(row=1, column=i)
            cell.font = bold
            cell.fill = required_fill if col.required else optional_fill
            hint = ("必填。" if col.required else "可空。") + (_allowed(col) or "") + (f"。{col.note}" if col.note else "")
            cell.comment = Comment(hint, "老干部局")
            ws.column_dimensions[letter].width = max(10, 2 * len(col.header) + 4)
            target = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
            dv = None
            if col.kind in (CHOICE, COORDSYS):
                dv = DataValidation(type="list", formula1=f'"{",".join(col.choices)}"', allow_blank=True,
                                    showErrorMessage=True, errorTitle="不在可选值内",
                                    error=f"请从下拉列表中选择:{'、'.join(col.choices)}")
            elif col.kind == BOOL:
                dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                                    errorTitle="请选择", error="请填写 是 或 否")
            elif col.kind == REF and col.ref == STREET:
                # names are offered; a 12-digit code is accepted too, so no error box
                dv = DataValidation(type="list", formula1=f'"{street_names}"', allow_blank=True, showErrorMessage=False)
            elif col.kind == DATE:
                ws.column_dimensions[letter].width = 14
                for r in range(2, 3):
                    ws.cell(row=r, column=i).number_format = "yyyy-mm-dd"
            if dv is not None:
                dv.promptTitle = col.header
                dv.prompt = hint[:250]
                dv.showInputMessage = True
                ws.add_data_validation(dv)
                dv.add(target)
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    _write(out, data)
    return data


def template_sheet_names() -> list[str]:
    return [INSTRUCTIONS_SHEET] + [s.name for s in SHEETS]


__all__ = ["export_workbook", "build_template", "template_sheet_names", "Sheet"]
