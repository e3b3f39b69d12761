"""Hostile workbooks, built in code: what bench/load.py uploads to the running server and what
tests/dashboard/ledger/test_ledger_limits.py checks the ledger against.

- :func:`bomb_workbook`: an .xlsx whose one sheet (人员) unpacks to ``size`` bytes of identical
  valid rows. At the default size (291,000,000 bytes) the file is 970 KiB: the issue's "966 KB
  workbook (291 MB unpacked, identical rows)".
- :func:`claim_whole_sheet`: a workbook's sheet made to declare ``<dimension ref="A1:XFD1048576"/>``
  (17 billion cells) and to hold an empty formatted cell at XFD of its last data row and at
  XFD1048576, as a sheet that was once selected whole and formatted is saved.
- :func:`xfd_workbook`: a small valid 人员 workbook (about 27 KB, as in the issue) so changed.

Only the standard library and openpyxl are used (nothing from tests/), so the benchmark runs
without the test suite.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import openpyxl

SHEET1 = "xl/worksheets/sheet1.xml"
# the 人员 sheet's header row (dashboard/ledger's column names)
PEOPLE = ["人员编码", "姓名", "性别", "出生年份", "干部类别", "居住街道编码", "居住经度", "居住纬度"]
BOMB_SIZE = 291_000_000  # the "291 MB"
LAST_ROW = 1_048_576  # the last row of a sheet (Excel's limit)


def person(i: int, year: object = 1950) -> list:
    """One valid 人员 row."""
    return [f"RY{i}", "张某", "男", year, "退休", None, None, None]


def people_xlsx(rows: list[list]) -> bytes:
    """A workbook of one sheet, 人员: the header and ``rows``, as openpyxl saves it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append(PEOPLE)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one part's bytes changed by ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, change(content) if info.filename == member else content)
    return out.getvalue()


def _whole_sheet(xml: bytes) -> bytes:
    xml, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    if n != 1:
        raise ValueError("the sheet has no <dimension> element")
    last = re.findall(rb'<row r="(\d+)"', xml)[-1]
    return xml.replace(b"</row></sheetData>", b'<c r="XFD%s" s="0"/></row><row r="%d"><c r="XFD%d"/></row></sheetData>'
                       % (last, LAST_ROW, LAST_ROW))


def claim_whole_sheet(data: bytes, member: str = SHEET1) -> bytes:
    """The workbook with ``member`` declaring A1:XFD1048576 and holding empty cells at XFD."""
    return rewrite(data, member, _whole_sheet)


def xfd_workbook(rows: int = 1100) -> bytes:
    """A valid 人员 workbook of ``rows`` people whose sheet declares A1:XFD1048576 (about 27 KB)."""
    return claim_whole_sheet(people_xlsx([person(i) for i in range(1, rows + 1)]))


# the strings of the bomb's rows, in a shared-string table as Excel keeps text: each row is then
# 98 bytes, short enough for deflate to squeeze it about 295:1 (longer rows compress less well)
BOMB_STRINGS = ("RY1", "张某", "男", "退休")
BOMB_ROW = (b'<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="s"><v>2</v></c><c t="n"><v>1950</v></c>'
            b'<c t="s"><v>3</v></c></row>')
SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def bomb_workbook(size: int = BOMB_SIZE) -> bytes:
    """A 人员 workbook whose sheet unpacks to ``size`` bytes (rounded up to a whole row) of identical
    rows, each a complete, valid person (RY1 张某 男 1950 退休, its text in a shared-string table as
    Excel keeps it), deflated about 295:1. The rows carry no numbers (``<row>``, ``<c>``: a reader
    counts them), which is what lets deflate squeeze them so; at the default size they are 2.97
    million, past a sheet's 1,048,576 rows, as in the issue's file (no reader should get that far)."""
    src = zipfile.ZipFile(io.BytesIO(people_xlsx([])))
    head, tail = src.read(SHEET1).split(b"</sheetData>")
    rows = -(-(size - len(head)) // len(BOMB_ROW))
    items = "".join(f"<si><t>{s}</t></si>" for s in BOMB_STRINGS)
    sst = (f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{4 * rows}" '
           f'uniqueCount="{len(BOMB_STRINGS)}">{items}</sst>').encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST}"/></Types>'.encode())
            elif info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>",
                                          f'<Relationship Id="rIdSST" Type="{SST_REL}" Target="sharedStrings.xml"/></Relationships>'.encode())
            elif info.filename == SHEET1:
                block = BOMB_ROW * 4096
                with dst.open(SHEET1, "w") as member:
                    member.write(head)
                    for _ in range(rows // 4096):
                        member.write(block)
                    member.write(BOMB_ROW * (rows % 4096) + b"</sheetData>" + tail)
                continue
            dst.writestr(info.filename, content)
        dst.writestr("xl/sharedStrings.xml", sst)
    return out.getvalue()


if __name__ == "__main__":  # sizes of what the benchmark uploads
    for name, make in (("bomb", bomb_workbook), ("xfd", xfd_workbook)):
        data = make()
        info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET1)
        print(f"{name}: {len(data):,} bytes ({len(data) / 1024:,.0f} KiB); {SHEET1} unpacks to {info.file_size:,} bytes")
