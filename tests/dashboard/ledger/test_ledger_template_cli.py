"""The template (drop-downs, instructions) and the command line."""
from __future__ import annotations

import io

import openpyxl
import pytest
from ledger_support import base_sheets, dump, to_xlsx

from dashboard.cli import main
from dashboard.ledger import SHEETS, build_template, check
from dashboard.ledger.contract import BOOL, CHOICE, COORDSYS, INSTRUCTIONS_SHEET
from dashboard.settings import Settings


def test_template_has_instructions_and_drop_downs(store):
    data = build_template()
    assert len(data) < 100_000
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [INSTRUCTIONS_SHEET] + [s.name for s in SHEETS]
    assert "工作表" in wb[INSTRUCTIONS_SHEET]["A3"].value
    for spec in SHEETS:
        ws = wb[spec.name]
        assert [c.value for c in ws[1]] == [c.header for c in spec.cols]
        lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
        for i, col in enumerate(spec.cols, start=1):
            if col.kind in (CHOICE, COORDSYS, BOOL):
                letter = openpyxl.utils.get_column_letter(i)
                formula = lists[f"{letter}2"]
                values = ("是", "否") if col.kind == BOOL else col.choices
                assert all(v in formula for v in values), (spec.name, col.header)
    # the empty template is a valid (empty) import
    preview = check(store, [("template.xlsx", data)])
    assert preview.ok and preview.changes == 0


def test_cli_import_dry_run_then_apply_then_export(store, tmp_path, capsys):
    settings = Settings(database_url=store.url)
    path = tmp_path / "台账.xlsx"
    path.write_bytes(to_xlsx(base_sheets()))
    before = dump(store)
    assert main(["import", str(path), "--dry-run"], settings) == 0
    out = capsys.readouterr().out
    assert "党组织" in out and "试运行" in out
    assert dump(store) == before
    assert main(["import", str(path), "--user", "测试"], settings) == 0
    assert "已导入" in capsys.readouterr().out
    out_path = tmp_path / "export.xlsx"
    assert main(["export-data", "--out", str(out_path)], settings) == 0
    assert main(["import", str(out_path)], settings) == 0
    assert "无变化" in capsys.readouterr().out
    year_path = tmp_path / "2020.xlsx"
    assert main(["export-data", "--out", str(year_path), "--year", "2020"], settings) == 0
    assert main(["import", str(year_path)], settings) == 0
    assert "无变化" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["export-data", "--out", str(tmp_path / "x.xlsx"), "--year", "二〇二〇"], settings)
    assert exit_.value.code == 2 and "导出年份有误" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_bad_file_exits_2_with_chinese_problems(store, tmp_path, capsys):
    sheets = base_sheets()
    sheets["党组织"][2][2] = "混合型"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(to_xlsx(sheets))
    settings = Settings(database_url=store.url)
    assert main(["import", str(path)], settings) == 2
    err = capsys.readouterr().err
    assert "工作表「党组织」 第3行 「组织类型」列" in err and "未导入任何数据" in err
    assert main(["import", str(tmp_path / "missing.xlsx")], settings) == 2


def test_cli_template(tmp_path):
    out = tmp_path / "t.xlsx"
    assert main(["ledger-template", "--out", str(out)], Settings(database_url=f"sqlite:///{tmp_path / 's.db'}")) == 0
    assert out.stat().st_size > 5000
