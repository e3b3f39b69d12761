"""The 台账导入 page's callbacks called as plain functions inside the app, on a store of its own."""
from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile

import pytest
from dash import html, no_update
from sqlalchemy import func, select

from callbacks import ledger as cb
from callbacks import routes
from dashboard.demo import DemoRules, seed
from dashboard.ledger import LedgerApplyError, import_log, pending
from dashboard.ledger.slots import STALE, CheckSlots
from dashboard.schema import Person, VolunteerTeam
from dashboard.settings import Settings
from dashboard.store import Store
from layouts import ledger as ledger_page
from layouts import ledger_ids as ids
from tests.acting import acting_as, client_as

# outputs of on_upload / on_confirm / on_cancel
PREVIEW, MESSAGE, TOKEN, CONFIRM_DISABLED, CANCEL_DISABLED, LOG_VERSION = range(6)

TEAM_CSV = "队伍编码,队伍名称,街道编码,服务方向,成立日期\n{code},测试志愿服务队,明水街道,政策宣讲,2020年1月1日\n"
BAD_PEOPLE_CSV = ("人员编码,姓名,性别,出生年份,干部类别,居住街道编码\n"
                  "T-P1,张三,男,1950,退休,火星街道\n"
                  "T-P2,李四,未知,1951,退休,明水街道\n")


@pytest.fixture(scope="module")
def data_store(tmp_path_factory) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('data-page') / 'store.sqlite3'}")
    store.migrate()
    seed(store, DemoRules(as_of=dt.date(2020, 7, 1)))
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def app(data_store):
    from app import create_app

    return create_app(Settings(database_url=data_store.url), store=data_store)


def upload(*files: tuple[str, bytes]) -> tuple[list[str], list[str]]:
    """What dcc.Upload sends: data URLs and file names."""
    contents = [f"data:application/octet-stream;base64,{base64.b64encode(b).decode()}" for _, b in files]
    return contents, [name for name, _ in files]


def text_of(component) -> str:
    """All text in a component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


def find_all(component, kind) -> list:
    out = []
    if isinstance(component, (list, tuple)):
        for c in component:
            out += find_all(c, kind)
    elif hasattr(component, "children"):
        if isinstance(component, kind):
            out.append(component)
        out += find_all(component.children, kind)
    return out


def teams(store: Store) -> int:
    with store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(VolunteerTeam)).scalar_one()


def test_a_good_file_is_previewed_then_applied_once(app, data_store):
    before = teams(data_store)
    with acting_as(app):
        out = cb.on_upload(*upload(("志愿队伍.csv", TEAM_CSV.format(code="T-TEAM-1").encode())), None)
        assert out[TOKEN]["token"] and out[CONFIRM_DISABLED] is False and out[CANCEL_DISABLED] is False
        assert "检查通过" in text_of(out[MESSAGE]) and "新增 1 行" in text_of(out[MESSAGE])
        counts = text_of(out[PREVIEW])
        assert "志愿队伍" in counts and "预览,尚未写入" in counts
        assert teams(data_store) == before  # a check writes nothing

        done = cb.on_confirm(out[TOKEN], 0)
        assert "导入成功" in text_of(done[MESSAGE]) and done[TOKEN] is None and done[CONFIRM_DISABLED] is True
        assert done[LOG_VERSION] == 1
        assert teams(data_store) == before + 1
        # a second click on the same preview gets the same answer and applies nothing
        again = cb.on_confirm(out[TOKEN], 0)
        assert text_of(again[MESSAGE]) == text_of(done[MESSAGE])
        assert teams(data_store) == before + 1

        entries = import_log(data_store)
        assert [e["file_name"] for e in entries].count("志愿队伍.csv") == 1
        log_view = cb.show_log(1)
        assert "志愿队伍.csv" in text_of(log_view) and "已导入" in text_of(log_view)
        assert entries[0]["sha256"][:12] in text_of(log_view)


def test_the_same_file_twice_is_unchanged(app, data_store):
    files = upload(("志愿队伍.csv", TEAM_CSV.format(code="T-TEAM-2").encode()))
    with acting_as(app):
        cb.on_confirm(cb.on_upload(*files, None)[TOKEN], 0)
        version = data_store.version()
        second = cb.on_upload(*files, None)
        assert "完全相同" in text_of(second[MESSAGE])
        done = cb.on_confirm(second[TOKEN], 0)
        assert "没有任何变化" in text_of(done[MESSAGE])
        assert data_store.version().version == version.version


def test_a_bad_file_lists_every_problem_with_its_place_and_writes_nothing(app, data_store):
    version = data_store.version().version
    with acting_as(app):
        out = cb.on_upload(*upload(("人员.csv", BAD_PEOPLE_CSV.encode())), None)
    assert out[TOKEN] is None and out[CONFIRM_DISABLED] is True
    assert "2 个错误" in text_of(out[MESSAGE]) and "未写入任何数据" in text_of(out[MESSAGE])
    table = find_all(out[PREVIEW], html.Table)[-1]
    assert table.id == "data-problems-table"
    assert find_all(table, html.Caption)
    rows = [[text_of(td) for td in find_all(tr, html.Td)] for tr in find_all(table, html.Tbody)[0].children]
    assert ["错误", "人员.csv", "人员", "2", "居住街道编码"] == rows[0][:5] and "火星街道" in rows[0][5]
    assert ["错误", "人员.csv", "人员", "3", "性别"] == rows[1][:5] and "不在可选值之内" in rows[1][5]
    assert all(th.scope == "col" for th in find_all(find_all(table, html.Thead)[0], html.Th))
    assert data_store.version().version == version
    with data_store.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(Person).where(Person.code.like("T-P%"))).scalar_one() == 0


@pytest.mark.parametrize(("name", "content", "words"), [
    ("空的.xlsx", b"", "文件是空的"),
    ("改名的.xlsx", b"%PDF-1.4 this is not a workbook" * 10, "内容不是 Excel 工作簿"),
    ("加密.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600, "密码"),
    ("旧版.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Excel"),
    ("说明.csv", b"a,b\n1,2\n", "须以工作表名称命名"),
])
def test_files_that_are_not_what_they_claim_get_the_ledgers_message(app, data_store, name, content, words):
    version = data_store.version().version
    with acting_as(app):
        out = cb.on_upload(*upload((name, content)), None)
    assert out[TOKEN] is None and out[CONFIRM_DISABLED] is True
    problems = text_of(out[PREVIEW])
    assert name in problems and words in problems
    assert data_store.version().version == version


def test_a_gbk_csv_is_read(app, data_store):
    with acting_as(app):
        out = cb.on_upload(*upload(("志愿队伍.csv", TEAM_CSV.format(code="T-TEAM-GBK").encode("gbk"))), None)
    assert out[TOKEN] is not None, text_of(out[PREVIEW])
    assert "新增 1 行" in text_of(out[MESSAGE])
    pending.drop(data_store, out[TOKEN]["token"])


def test_a_file_above_the_limit_is_refused(data_store):
    """The limit is the app's setting, passed down from create_app (not read again)."""
    from app import create_app

    app = create_app(Settings(database_url=data_store.url, import_max_mb=1), store=data_store)
    with acting_as(app):
        out = cb.on_upload(*upload(("活动参与.csv", b"x" * (1024 * 1024 + 10))), None)
        page = cb.ledger_page_layout()
    assert out[TOKEN] is None and "超过上限 1 MB" in text_of(out[PREVIEW])
    assert "不超过 1 MB" in text_of(page)


def test_an_expired_or_cancelled_preview_is_not_applied(app, data_store):
    with acting_as(app):
        out = cb.on_upload(*upload(("志愿队伍.csv", TEAM_CSV.format(code="T-TEAM-3").encode())), None)
        cancelled = cb.on_cancel(out[TOKEN])
        assert "已取消" in text_of(cancelled[MESSAGE]) and cancelled[TOKEN] is None
        late = cb.on_confirm(out[TOKEN], 0)
        assert "预览已失效" in text_of(late[MESSAGE]) and late[CONFIRM_DISABLED] is True
        assert cb.on_confirm(None, 0)[TOKEN] is None
    with data_store.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(VolunteerTeam).where(VolunteerTeam.code == "T-TEAM-3")).scalar_one() == 0


def test_previews_wait_in_the_store_for_thirty_minutes_and_are_bounded(data_store):
    t0 = dt.datetime(2026, 11, 29, 8, 0)
    token = pending.keep(data_store, "alice", [("a.csv", b"x")], at=t0)
    assert pending.count(data_store, at=t0 + dt.timedelta(minutes=29)) == 1
    assert pending.claim(data_store, token, "alice", at=t0 + dt.timedelta(minutes=31)) is None
    # one per user: a new upload replaces the previous one; at most MAX_PENDING in all
    for i in range(pending.MAX_PENDING + 3):
        pending.keep(data_store, f"user{i}", [("a.csv", b"x")], at=t0)
        pending.keep(data_store, f"user{i}", [("b.csv", b"y")], at=t0)
    assert pending.count(data_store, at=t0) == pending.MAX_PENDING
    # claimed once: a second claim gets the first one's answer (or waits while it applies)
    token = pending.keep(data_store, "bob", [("c.csv", b"z"), ("c.csv", b"w")], at=t0)
    first = pending.claim(data_store, token, "bob", at=t0)
    assert first.files == [("c.csv", b"z"), ("c.csv", b"w")]
    assert pending.claim(data_store, token, "bob", at=t0).busy
    assert pending.claim(data_store, token, "mallory", at=t0) is None
    pending.finish(data_store, token, {"text": "导入成功", "color": "success"})
    assert pending.claim(data_store, token, "bob", at=t0).result["text"] == "导入成功"


def test_a_new_upload_forgets_the_previous_preview(app, data_store):
    with acting_as(app):
        first = cb.on_upload(*upload(("志愿队伍.csv", TEAM_CSV.format(code="T-TEAM-4").encode())), None)
        cb.on_upload(*upload(("人员.csv", BAD_PEOPLE_CSV.encode())), first[TOKEN])
        assert pending.claim(data_store, first[TOKEN]["token"], "tester") is None


def test_a_store_failure_on_apply_keeps_the_preview_for_a_retry(app, data_store, monkeypatch):
    with acting_as(app):
        out = cb.on_upload(*upload(("志愿队伍.csv", TEAM_CSV.format(code="T-TEAM-5").encode())), None)

        def broken(*_a, **_k):
            raise LedgerApplyError("数据库写入失败,未导入任何数据(OperationalError: database is locked)")

        monkeypatch.setattr(cb, "apply", broken)
        failed = cb.on_confirm(out[TOKEN], 3)
        assert "导入失败" in text_of(failed[MESSAGE]) and failed[CONFIRM_DISABLED] is False
        assert failed[TOKEN] is no_update and failed[LOG_VERSION] == 4
        monkeypatch.undo()
        done = cb.on_confirm(out[TOKEN], 4)
        assert "导入成功" in text_of(done[MESSAGE])


def test_uploads_decode_to_names_and_bytes():
    contents, names = upload(("a/人员.csv", b"abc"))
    assert cb.decode_uploads(contents, names) == [("人员.csv", b"abc")]
    assert cb.decode_uploads(["data:"], ["x.csv"]) == [("x.csv", b"")]
    assert cb.decode_uploads("data:text/csv;base64,YWJj", "one.csv") == [("one.csv", b"abc")]
    assert cb.decode_uploads(None, None) == []
    assert cb.on_upload(None, None, None) == (no_update,) * 6


def test_template_and_export_downloads(app, data_store):
    client = client_as(app, data_store)
    for url, ascii_name in ((ids.TEMPLATE_URL, "zhangqiu-ledger-template.xlsx"), (ids.EXPORT_URL, "zhangqiu-ledger-export-")):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.mimetype == routes.XLSX
        assert ascii_name in r.headers["Content-Disposition"] and "filename*=UTF-8''" in r.headers["Content-Disposition"]
        names = zipfile.ZipFile(io.BytesIO(r.data)).namelist()
        assert "xl/workbook.xml" in names


def test_the_page_is_labelled_and_says_what_confirm_does(app):
    with acting_as(app):
        page = cb.ledger_page_layout()
    text = text_of(page)
    assert "按编码" in text and "不会删除任何记录" in text and "不会清空现有数据" in text
    upload_box = find_all(page, html.Div)
    target = next(d for d in upload_box if "data-upload-target" in (getattr(d, "className", "") or ""))
    assert getattr(target, "aria-label").startswith("把台账文件拖到这里,或点击选择文件")  # visible text first (WCAG 2.5.3)
    assert text_of(page).count("选择或拖入台账文件") == 1
    buttons = [b for b in find_all(page, html.Button) if b.type != "submit"]  # not the header's 退出
    assert [b.children for b in buttons] == ["确认导入", "取消"] and all(b.disabled for b in buttons)
    links = {a.href for a in find_all(page, html.A)}
    assert ids.TEMPLATE_URL in links
    form = next(f for f in find_all(page, html.Form) if f.action == ids.EXPORT_URL)
    assert form.method == "get"  # a plain form: it works before the page's scripts have loaded
    label = next(lb for lb in find_all(form, html.Label) if lb.htmlFor == ids.EXPORT_YEAR)
    select = next(s for s in find_all(form, html.Select) if s.id == ids.EXPORT_YEAR)
    assert label.children == "导出范围" and select.name == "year"
    options = [(o.children, o.value) for o in select.children]
    assert options[:3] == [("全部年份", ""), ("2020年", "2020"), ("2019年", "2019")] and options[-1] == ("2013年", "2013")
    assert "一次导入最多 300,000 行" in text and "按年度导出" in text


def test_the_export_of_one_year_holds_that_years_activities_and_every_register(app, data_store):
    from openpyxl import load_workbook

    from dashboard.access import audit

    client = client_as(app, data_store)
    r = client.get(f"{ids.EXPORT_URL}?year=2019")
    assert r.status_code == 200
    assert "zhangqiu-ledger-export-2019-" in r.headers["Content-Disposition"]
    assert "2019%E5%B9%B4" in r.headers["Content-Disposition"]  # 2019年 in the Chinese file name
    book = load_workbook(io.BytesIO(r.data), read_only=True)
    days = [row[1] for row in book["活动"].iter_rows(min_row=2, values_only=True)]
    assert days and {d.year for d in days} == {2019}
    codes = {row[0] for row in book["活动"].iter_rows(min_row=2, values_only=True)}
    assert {row[0] for row in book["活动参与"].iter_rows(min_row=2, values_only=True)} <= codes
    with data_store.engine.connect() as c:
        assert book["人员"].max_row - 1 == c.execute(select(func.count()).select_from(Person)).scalar()
    assert audit.entries(data_store, action="export-data")[0].detail == {"year": 2019}

    whole = client.get(ids.EXPORT_URL + "?year=")
    assert whole.status_code == 200 and "zhangqiu-ledger-export-all-" in whole.headers["Content-Disposition"]
    for bad in ("abc", "19", "20190", "<b>2019</b>", "1800", "２０１９"):
        r = client.get(ids.EXPORT_URL, query_string={"year": bad})
        body = r.get_data(as_text=True)
        assert r.status_code == 400 and "导出年份有误" in body and r.mimetype == "text/plain", bad


def test_log_times_are_shown_in_the_servers_local_time():
    at = dt.datetime(2024, 3, 1, 8, 0, 0)
    expected = at.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert ledger_page.local_time(at) == expected
    table = ledger_page.log_table([{"id": 1, "at": at, "user_name": None, "file_name": "a.xlsx, b.csv", "sha256": "ab" * 32 + "," + "cd" * 32,
                          "counts": {"人员": {"rows": 3, "new": 1, "changed": 1, "unchanged": 1, "closed": 0},
                                     "_problems": {"errors": 0, "notices": 0}},
                          "outcome": "applied", "outcome_zh": "已导入", "message": None}])
    text = text_of(table)
    assert expected in text and "abababababab…" in text and "cdcdcdcdcdcd…" in text
    assert "新增 1 行,修改 1 行,结束 0 行,无变化 1 行" in text


def test_street_staff_import_only_their_own_streets_rows(app, data_store):
    """A 明水街道 staff member: their street's team goes in; 双山街道's is refused with the row, nothing written."""
    own = TEAM_CSV.format(code="T-OWN-1").encode()
    other = TEAM_CSV.format(code="T-OTHER-1").replace("明水街道", "双山街道").encode()
    with acting_as(app, "staff", ("370114001000",), name="ms-staff"):
        refused = cb.on_upload(*upload(("志愿队伍.csv", other)), None)
        assert refused[TOKEN] is None and "不在您负责的街道(明水街道)之内" in text_of(refused[PREVIEW])
        checked = cb.on_upload(*upload(("志愿队伍.csv", own)), None)
        done = cb.on_confirm(checked[TOKEN], 0)
    assert "导入成功" in text_of(done[MESSAGE])
    with data_store.engine.connect() as c:
        codes = set(c.execute(select(VolunteerTeam.code).where(VolunteerTeam.code.like("T-O%"))).scalars())
    assert codes == {"T-OWN-1"}
    assert import_log(data_store)[0]["user_name"] == "ms-staff"


def test_leaders_may_not_import(app, data_store):
    version = data_store.version().version
    with acting_as(app, "leader"):
        out = cb.on_upload(*upload(("志愿队伍.csv", TEAM_CSV.format(code="T-LEAD-1").encode())), None)
    assert out[TOKEN] is None and "领导无权访问此内容" in text_of(out[MESSAGE])
    assert data_store.version().version == version


def test_two_imports_of_the_same_records_at_once_get_a_chinese_message_not_a_database_error(app, data_store,
                                                                                             monkeypatch):
    def clash(*_a, **_k):
        raise LedgerApplyError("数据库写入失败,未导入任何数据(IntegrityError: UNIQUE constraint failed: activities.code)")

    with acting_as(app):
        out = cb.on_upload(*upload(("志愿队伍.csv", TEAM_CSV.format(code="T-TEAM-9").encode())), None)
        monkeypatch.setattr(cb, "apply", clash)
        failed = cb.on_confirm(out[TOKEN], 0)
    message = text_of(failed[MESSAGE])
    assert "另一次导入刚刚修改了同样的记录" in message and "UNIQUE" not in message and "IntegrityError" not in message
    assert failed[CONFIRM_DISABLED] is False  # check and confirm again


def test_one_check_at_a_time_per_user_and_two_in_all_across_processes(data_store):
    # two CheckSlots on one store stand for two server processes
    one, other = CheckSlots(data_store, at_once=2), CheckSlots(data_store, at_once=2)
    assert one.take("alice") is None
    assert "上一次检查还在进行" in other.take("alice")
    assert other.take("bob") is None
    assert "其他人的台账正在检查" in one.take("carol")
    one.give("alice")
    assert other.take("carol") is None and one.take("alice") is not None
    one.give("bob"), one.give("carol")


def test_a_check_slot_left_by_a_dead_process_is_taken_over(data_store):
    started = dt.datetime(2026, 12, 6, 9, 0)
    assert CheckSlots(data_store, at_once=1).take("alice", at=started) is None  # its process died
    later = CheckSlots(data_store, at_once=1)
    assert "其他人的台账正在检查" in later.take("bob", at=started + STALE - dt.timedelta(minutes=1))
    assert later.take("bob", at=started + STALE + dt.timedelta(minutes=1)) is None
    later.give("bob")


def test_a_confirm_waits_its_turn_like_a_check_and_can_be_clicked_again(app, monkeypatch):
    with acting_as(app):
        out = cb.on_upload(*upload(("志愿队伍.csv", TEAM_CSV.format(code="T-TEAM-10").encode())), None)
        full = CheckSlots(cb.service().store, at_once=1)
        assert full.take("someone else") is None
        monkeypatch.setattr(cb, "check_slots", lambda: full)
        waiting = cb.on_confirm(out[TOKEN], 0)
        assert "其他人的台账正在检查" in text_of(waiting[MESSAGE]) and waiting[CONFIRM_DISABLED] is False
        full.give("someone else")
        done = cb.on_confirm(out[TOKEN], 0)
    assert "导入成功" in text_of(done[MESSAGE])
