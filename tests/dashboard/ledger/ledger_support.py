"""Helpers for the ledger tests: a small valid workbook, and a dump of the whole store."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
from sqlalchemy import select

from dashboard.schema import Base

MINGSHUI, SHUANGSHAN = "370114001000", "370114002000"


def base_sheets() -> dict[str, list[list]]:
    """A small but complete ledger: every sheet, references within the file."""
    return {
        "街道": [
            ["街道编码", "街道名称", "类型", "经度", "纬度"],
            [MINGSHUI, "明水街道", "街道", 117.54, 36.72],
            [SHUANGSHAN, "双山街道", "街道", 117.525, 36.69],
        ],
        "党组织": [
            ["组织编码", "组织名称", "组织类型", "层级", "上级组织编码", "街道编码", "所在单位或社区", "成立日期", "撤销日期"],
            ["ZZ1", "区直机关离退休干部党总支", "建制型", "党总支", None, "明水街道", "区委老干部局", dt.date(2013, 1, 1), None],
            ["ZZ2", "区人民医院离退休干部党支部", "建制型", "党支部", "ZZ1", MINGSHUI, "区人民医院", "2014年3月1日", None],
            ["ZZ3", "合唱团功能型党支部", "功能型", "党支部", None, SHUANGSHAN, None, "2019/6/1", None],
        ],
        "人员": [
            ["人员编码", "姓名", "性别", "出生年份", "干部类别", "居住街道编码", "居住经度", "居住纬度"],
            ["RY1", "张某甲", "男", 1950, "退休", MINGSHUI, 117.541, 36.721],
            ["RY2", "李某乙", "女", 1958, "退休", "双山街道", None, None],
            ["RY3", "王某丙", "男", 1928, "离休", None, None, None],
        ],
        "组织关系": [
            ["人员编码", "组织编码", "转入日期", "转出日期"],
            ["RY1", "ZZ2", dt.date(2014, 3, 1), None],
            ["RY2", "ZZ2", "2015-05-01", "2020-01-01"],
            ["RY3", "ZZ3", 43617, None],
        ],
        "站点": [
            ["站点编码", "站点名称", "站点类型", "街道编码", "所在社区", "经度", "纬度", "坐标系",
             "是否共建", "是否规范", "联络指导员", "启用日期", "停用日期"],
            ["ZD1", "明水共享式党员活动室", "共享式党员活动室", MINGSHUI, "东苑社区", 117.546, 36.721, "GCJ02",
             "是", "是", "赵某丁", "2018.5.1", None],
            ["ZD2", "双山芳华剧场", "芳华剧场", SHUANGSHAN, None, 117.525, 36.69, None, "否", None, None, dt.date(2019, 1, 1), None],
        ],
        "志愿队伍": [
            ["队伍编码", "队伍名称", "街道编码", "所属组织编码", "服务方向", "成立日期", "解散日期"],
            ["DW1", "银发帮忙团", MINGSHUI, "ZZ2", "移风易俗", dt.date(2016, 4, 1), None],
        ],
        "志愿者": [
            ["人员编码", "队伍编码", "加入日期", "退出日期"],
            ["RY1", "DW1", dt.date(2017, 1, 1), None],
            ["RY2", "DW1", dt.date(2017, 2, 1), dt.date(2019, 2, 1)],
        ],
        "活动": [
            ["活动编码", "活动日期", "活动类别", "活动名称", "组织编码", "队伍编码", "站点编码", "街道编码", "参与人数", "时长小时"],
            ["HD1", dt.date(2020, 6, 1), "主题党日", "六月主题党日", "ZZ2", None, "ZD1", MINGSHUI, 2, 2],
            ["HD2", dt.date(2020, 6, 15), "新时代文明实践", "移风易俗宣传", None, "DW1", None, MINGSHUI, 1, 1.5],
        ],
        "活动参与": [
            ["活动编码", "人员编码"],
            ["HD1", "RY1"],
            ["HD1", "RY2"],
            ["HD2", "RY1"],
        ],
    }


def to_xlsx(sheets: dict[str, list[list]], tweak=None) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    if tweak is not None:
        tweak(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def dump(store) -> dict[str, list]:
    """Every row of every table but the audit log, sorted: for before/after comparisons."""
    out = {}
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name == "import_log":
                continue
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    return out


