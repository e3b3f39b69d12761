"""台账导入 (/data) in headless Chromium against a real server on a store of its own (imports change it)."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from support import ARTIFACTS, Page, Server, cjk_renders, seeded_store, wait_for_panels

from dashboard.ledger import export_workbook, import_log
from dashboard.schema import VolunteerTeam
from dashboard.store import Store

SHOTS = ARTIFACTS / "screenshots"
TEAM_CSV = "队伍编码,队伍名称,街道编码,服务方向,成立日期\nTEST-TEAM-1,浏览器测试志愿服务队,明水街道,政策宣讲,2020-01-01\n"
BAD_PEOPLE_CSV = ("人员编码,姓名,性别,出生年份,干部类别,居住街道编码\n"
                  "B-P1,张三,男,1950,退休,明水街道\n"
                  "B-P2,李四,未知,1951,退休,明水街道\n")


@pytest.fixture(scope="module")
def data_store(tmp_path_factory, artifacts) -> Iterator[Store]:
    # a small history (~35,000 rows): its whole export is the good workbook that is uploaded, checked
    # and applied here; the demo's full size is round-tripped in tests/dashboard/ledger
    store = seeded_store(tmp_path_factory.mktemp("data-browser"), dt.date(2019, 6, 1))
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def server(data_store) -> Iterator[Server]:
    """Overrides the session server: this module writes to its store."""
    srv = Server(data_store.url).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def files(data_store, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("data-files")
    paths = {
        "good": folder / "台账导出.xlsx",
        "team": folder / "志愿队伍.csv",
        "bad": folder / "人员.csv",
        "empty": folder / "空文件.xlsx",
        "renamed": folder / "照片.xlsx",
    }
    paths["good"].write_bytes(export_workbook(data_store))
    paths["team"].write_text(TEAM_CSV, encoding="utf-8")
    paths["bad"].write_bytes(BAD_PEOPLE_CSV.encode("gbk"))  # what Chinese Excel writes
    paths["empty"].write_bytes(b"")
    paths["renamed"].write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 200)
    return paths


def open_data(page, server) -> None:
    page.goto(f"{server.url}/data")
    page.wait_for_selector("#data-log table, #data-log .empty-note")


def upload(page, *paths) -> None:
    page.set_input_files("#data-upload input[type=file]", [str(p) for p in paths])


def no_horizontal_scroll(page) -> bool:
    """Nothing on the page reaches past the window (body hides overflow, so look at the boxes)."""
    return page.evaluate("""() => {
        const w = document.documentElement.clientWidth;
        const boxes = [...document.querySelectorAll('.data-page .card, .data-page .alert, .data-page header')];
        return document.documentElement.scrollWidth <= w && boxes.every(b => b.getBoundingClientRect().right <= w + 1);
    }""")


def volunteer_teams(store: Store) -> int:
    with store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(VolunteerTeam)).scalar_one()


def test_a_bad_file_shows_its_problems_and_writes_nothing(page, server, data_store, files):
    open_data(page, server)
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert cjk_renders(page)
    version = data_store.version().version
    upload(page, files["bad"], files["empty"], files["renamed"])
    page.wait_for_selector("#data-problems-table")
    assert "不能导入" in page.text_content("#data-message")
    rows = page.locator("#data-problems-table tbody tr")
    texts = [[c.strip() for c in rows.nth(i).locator("td").all_text_contents()] for i in range(rows.count())]
    assert ["错误", "人员.csv", "人员", "3", "性别"] in [t[:5] for t in texts]
    assert any(t[1] == "空文件.xlsx" and "文件是空的" in t[5] for t in texts)
    assert any(t[1] == "照片.xlsx" and "不是 Excel 工作簿" in t[5] for t in texts)
    assert page.locator("#data-problems-table caption").count() == 1
    assert page.locator("#data-problems-table th[scope=col]").count() == 6
    assert page.is_disabled("#data-confirm")
    page.screenshot(path=str(SHOTS / "data-problems-1920.png"), full_page=True)
    assert no_horizontal_scroll(page)
    assert data_store.version().version == version
    assert import_log(data_store) == []  # a check is not an import attempt


def test_a_good_workbook_is_previewed_confirmed_and_shown(chromium, server, data_store, files):
    p = Page(chromium, 1366, 768).login(server)
    page = p.page
    try:
        page.goto(f"{server.url}/")
        wait_for_panels(page)
        teams_before = int(page.text_content("#kpi-volunteer_teams").replace(",", ""))
        stored_before = volunteer_teams(data_store)

        open_data(page, server)
        page.screenshot(path=str(SHOTS / "data-empty-1366.png"), full_page=True)
        upload(page, files["good"], files["team"])
        page.wait_for_function("() => !document.querySelector('#data-confirm').disabled"
                               " || document.querySelector('#data-message .alert-danger, #data-message .alert-warning')",
                               timeout=60_000)
        assert "检查通过" in page.text_content("#data-message"), page.text_content("main")
        row = page.locator("#data-counts-table tbody tr", has=page.locator("th", has_text="志愿队伍"))
        assert [c.strip() for c in row.locator("td").all_text_contents()][1:] == ["1", "0", "0", str(stored_before)]
        assert page.locator("#data-counts-table th[scope=row]").count() >= 9
        assert volunteer_teams(data_store) == stored_before  # nothing written before the confirm
        page.screenshot(path=str(SHOTS / "data-preview-1366.png"), full_page=True)
        assert no_horizontal_scroll(page)

        page.click("#data-confirm")
        page.wait_for_selector("#data-message .alert-success", timeout=60_000)
        assert "导入成功" in page.text_content("#data-message") and "新增 1 行" in page.text_content("#data-message")
        page.wait_for_selector("#data-log-table")
        first = page.locator("#data-log-table tbody tr").first
        assert "志愿队伍.csv" in first.text_content() and "已导入" in first.text_content()
        entry = import_log(data_store)[0]
        assert entry["outcome"] == "applied" and entry["sha256"].split(",")[0][:12] in first.text_content()
        assert page.is_disabled("#data-confirm")
        page.screenshot(path=str(SHOTS / "data-applied-1366.png"), full_page=True)
        assert no_horizontal_scroll(page)
        assert volunteer_teams(data_store) == stored_before + 1

        page.goto(f"{server.url}/")
        wait_for_panels(page)
        assert int(page.text_content("#kpi-volunteer_teams").replace(",", "")) == teams_before + 1
        assert p.foreign_requests(server.url) == []
    finally:
        p.close()


def test_template_and_export_download(page, server):
    from openpyxl import load_workbook

    open_data(page, server)
    year = 2018  # the store's history ends in June 2019
    for link, url, words in (("#data-template-link", "/data/template.xlsx", "模板"),
                             ("#data-export-link", f"/data/export.xlsx?year={year}", f"导出-{year}年")):
        if link == "#data-export-link":  # the whole ledger, or a year of it, chosen by its label
            page.get_by_label("导出范围").select_option(label=f"{year}年")
        else:
            assert page.get_attribute(link, "href") == url
        with page.expect_download(timeout=60_000) as info:
            page.click(link)
        download = info.value
        # (for a slow response Chromium names the download before the headers arrive: check them apart)
        assert download.suggested_filename.endswith(".xlsx")
        with open(download.path(), "rb") as fh:
            content = fh.read()
        assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(content)).namelist()
        if link == "#data-export-link":
            days = [row[1] for row in load_workbook(io.BytesIO(content), read_only=True)["活动"]
                    .iter_rows(min_row=2, values_only=True)]
            assert days and {d.year for d in days} == {year}
        response = page.request.get(server.url + url)
        assert response.ok and quote(words) in response.headers["content-disposition"]


def test_the_drop_zone_is_one_labelled_tab_stop_that_opens_the_file_dialog(page, server):
    open_data(page, server)
    target = page.locator(".data-upload-target")
    assert target.get_attribute("aria-label").startswith("把台账文件拖到这里,或点击选择文件") and target.get_attribute("role") == "button"
    assert page.locator("#data-upload-label").is_visible()
    page.wait_for_load_state("networkidle")  # the page's first callbacks may re-render the drop zone
    page.evaluate("""() => { window.__fileClicks = 0;
        document.querySelector('.data-upload input[type=file]').addEventListener('click', () => window.__fileClicks++); }""")
    target.focus()
    page.keyboard.press("Enter")
    # Enter clicks the (multiple) file input, which opens the dialog; headless Chromium now and then
    # swallows that dialog, so the click itself is what is checked
    page.wait_for_function("() => window.__fileClicks === 1", timeout=5_000)
    assert page.get_attribute(".data-upload input[type=file]", "multiple") is not None
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "data-template-link"
    for button in ("#data-confirm", "#data-cancel"):
        assert page.text_content(button).strip()
