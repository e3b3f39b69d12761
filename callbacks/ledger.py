"""Callbacks of the 台账导入 page (``/data``): thin glue over :mod:`dashboard.ledger`.

Upload → ``check`` (writes nothing) → the files wait in the store (:mod:`dashboard.ledger.pending`)
under a random token that the page holds in a dcc.Store → 确认导入 (on any server process) →
the files are checked again and ``apply``-ed, once. A waiting upload expires after 30 minutes.
"""
from __future__ import annotations

import base64
import binascii
import logging
from pathlib import PurePath

from dash import Input, Output, State, ctx, no_update

from callbacks.auth import client_address
from callbacks.context import Callbacks, principal, refusal, runtime, service
from dashboard.access import STAFF, audit
from dashboard.ledger import (
    LedgerApplyError,
    LedgerScopeError,
    LedgerValidationError,
    Limits,
    Preview,
    apply,
    check,
    export_years,
    import_log,
    pending,
)
from dashboard.ledger.slots import CheckSlots
from layouts import ledger as ledger_page
from layouts import ledger_ids as ids

callbacks = Callbacks()

log = logging.getLogger("dashboard.data")

LOG_ROWS = 50


def check_slots() -> CheckSlots:
    """The running checks of every process on this store (the bound holds across workers and hosts)."""
    return CheckSlots(service().store)

EXPIRED = "预览已失效(超过 30 分钟、已取消或不是您的预览),未写入任何数据。请重新上传文件。"


# --- plain functions (the callbacks below only dispatch to them) -------------------------------

def import_limits() -> Limits:
    """The limits of one import: ``DASHBOARD_IMPORT_MAX_MB`` per file and ``DASHBOARD_IMPORT_MAX_ROWS``, as for the CLI."""
    settings = runtime().settings
    return Limits(max_bytes=settings.import_max_mb * 1024 * 1024, max_rows=settings.import_max_rows)


def decode_uploads(contents, filenames) -> list[tuple[str, bytes]]:
    """dcc.Upload's data URLs to (file name, bytes). An empty or unreadable upload becomes b""
    (the ledger then says the file is empty) rather than an exception."""
    if contents is None:
        return []
    if isinstance(contents, str):
        contents, filenames = [contents], [filenames]
    names = list(filenames or [])
    files = []
    for i, content in enumerate(contents):
        name = names[i] if i < len(names) and names[i] else f"文件{i + 1}"
        _, _, b64 = (content or "").partition(",")
        try:
            data = base64.b64decode(b64, validate=False)
        except (binascii.Error, ValueError):
            data = b""
        files.append((PurePath(name).name or name, data))
    return files


# outputs of every action, in this order: preview, message, token, confirm disabled, cancel disabled, log version
def on_upload(contents, filenames, token: dict | None):
    """Check the uploaded files against the store; keep a passing preview for the confirm."""
    files = decode_uploads(contents, filenames)
    if not files:
        return (no_update,) * 6
    why = refusal("import")
    if why:
        return None, ledger_page.message(f"{why}:未做检查,未写入任何数据。", "danger"), None, True, True, no_update
    store = service().store
    pending.drop(store, (token or {}).get("token"))
    p = principal()
    busy = check_slots().take(p.name)
    if busy:
        return no_update, ledger_page.message(busy, "warning"), no_update, True, True, no_update
    try:
        preview = check(store, files, limits=import_limits(), **_scope(p))
    except Exception:
        log.exception("ledger check failed")
        return (None, ledger_page.message("无法读取看板数据库,未做检查。请稍后重试;如仍不行,请联系管理员。", "danger"),
                None, True, True, no_update)
    finally:
        check_slots().give(p.name)
    view = ledger_page.preview_view(preview, will_apply=preview.ok)
    if not preview.ok:
        text = (f"发现 {preview.errors} 个错误,不能导入,未写入任何数据。"
                "请按下表所列的文件、工作表、行和列改正后重新上传。")
        return view, ledger_page.message(text, "danger"), None, True, True, no_update
    audit.record(service().store, "import-check", p.name, client_address(),
                 files=[name for name, _ in files], changes=preview.changes)
    new_token = pending.keep(store, p.name, files, _scope(p).get("streets"))
    totals = ledger_page.totals_of(preview.sheets)
    if preview.changes:
        text = (f"检查通过:确认后将{ledger_page.count_words(totals)}。现在还没有写入任何数据——"
                "请核对下面的预览,再点击“确认导入”。")
    else:
        text = "检查通过:文件中的数据与看板现有数据完全相同,确认导入不会改变任何数据(只记入导入记录)。"
    if preview.notices:
        text += f"另有 {preview.notices} 条提示,见下表。"
    return view, ledger_page.message(text, "info"), {"token": new_token}, False, False, no_update


def on_confirm(token: dict | None, log_version: int | None):
    """Check the waiting files again and apply them, once, and only for whoever checked them."""
    store = service().store
    why, p = refusal("import"), principal()
    kept = (token or {}).get("token")
    claim = pending.claim(store, kept, p.name) if kept and not why and p is not None else None
    if claim is None:
        if kept:
            audit.record(store, "import-refused", p.name if p else None, client_address(),
                         reason=why or "unknown, expired or another user's preview")
        return None, ledger_page.message(EXPIRED, "warning"), None, True, True, no_update
    if claim.busy:  # another click, tab or process is applying it now
        return no_update, ledger_page.message("正在导入,请稍候……", "info"), no_update, True, True, no_update
    if claim.result is not None:  # a second click: the first one's answer
        return None, ledger_page.message(claim.result["text"], claim.result["color"]), None, True, True, no_update
    busy = check_slots().take(p.name)  # the confirm checks the files again: the same bound as a check
    if busy:
        pending.release(store, kept)
        return no_update, ledger_page.message(busy, "warning"), no_update, False, False, no_update
    try:
        view, text, color, retry = _apply(claim.files, p)
    finally:
        check_slots().give(p.name)
    bump = (log_version or 0) + 1
    if retry:
        pending.release(store, kept)
        return no_update, ledger_page.message(text, color), no_update, False, False, bump
    pending.finish(store, kept, {"text": text, "color": color})
    return view, ledger_page.message(text, color), None, True, True, bump


def _scope(p) -> dict:
    """The street restriction of an import: street staff import only their streets' rows."""
    return {"streets": p.streets} if p is not None and p.role == STAFF else {}


def _apply(files: list[tuple[str, bytes]], p) -> tuple:
    """(preview view or None, message, colour, whether a retry may work) of applying the files."""
    store = service().store
    try:
        preview: Preview = check(store, files, limits=import_limits(), **_scope(p))
        result = apply(store, preview, user=p.name, **_scope(p))
    except LedgerValidationError as exc:
        # the store changed after the check: the re-check found problems; nothing written
        return (ledger_page.preview_view(exc.preview, will_apply=False),
                f"导入未执行:重新检查时发现 {exc.preview.errors} 个错误(可能在预览之后数据已被修改),"
                "未写入任何数据。请按下表改正后重新上传。", "danger", False)
    except LedgerScopeError as exc:  # the user's streets changed between the check and the confirm
        return None, f"导入未执行:{exc}。未写入任何数据,请重新上传文件。", "danger", False
    except LedgerApplyError as exc:  # the files were fine, the store was not: the user may try again
        log.warning("ledger apply failed: %s", exc)
        conflict = "IntegrityError" in str(exc) or "UniqueViolation" in str(exc)
        text = ("导入失败:另一次导入刚刚修改了同样的记录,未写入任何数据。请重新检查后再确认。" if conflict
                else "导入失败:看板数据库暂时无法写入,未写入任何数据。请稍后再点“确认导入”重试。")
        return None, text, "danger", True
    except Exception:
        log.exception("ledger apply failed")
        return None, "导入失败:看板数据库出错,未写入任何数据。请稍后重新上传。", "danger", False
    totals = ledger_page.totals_of(result.sheets)
    audit.record(store, "import-confirm", p.name, client_address(), outcome=result.outcome, log_id=result.log_id)
    if result.outcome == "applied":
        seconds = runtime().settings.refresh_seconds
        return (None, f"导入成功:{ledger_page.count_words(totals)}。各看板页面将在 {seconds} 秒内显示新数据。"
                      f"本次导入已记入导入记录(第 {result.log_id} 号)。", "success", False)
    return None, f"导入完成:数据与原有相同,没有任何变化。已记入导入记录(第 {result.log_id} 号)。", "secondary", False


def on_cancel(token: dict | None):
    pending.drop(service().store, (token or {}).get("token"))
    return None, ledger_page.message("已取消,未写入任何数据。", "secondary"), None, True, True, no_update


@callbacks.callback(
    Output(ids.PREVIEW, "children"), Output(ids.MESSAGE, "children"), Output(ids.TOKEN, "data"),
    Output(ids.CONFIRM, "disabled"), Output(ids.CANCEL, "disabled"), Output(ids.LOG_VERSION, "data"),
    Input(ids.UPLOAD, "contents"), Input(ids.CONFIRM, "n_clicks"), Input(ids.CANCEL, "n_clicks"),
    State(ids.UPLOAD, "filename"), State(ids.TOKEN, "data"), State(ids.LOG_VERSION, "data"),
    prevent_initial_call=True,
    running=[(Output(ids.UPLOAD, "disabled"), True, False)],  # no second upload while one is being checked
)
def data_action(contents, _confirm, _cancel, filenames, token, log_version):
    trigger = ctx.triggered_id
    if trigger == ids.CONFIRM:
        return on_confirm(token, log_version)
    if trigger == ids.CANCEL:
        return on_cancel(token)
    return on_upload(contents, filenames, token)


@callbacks.callback(Output(ids.LOG, "children"), Input(ids.LOG_VERSION, "data"))
def show_log(_version):
    why = refusal("view:data")
    if why:
        return ledger_page.empty_note(why)
    p = principal()
    try:
        entries = import_log(service().store, limit=LOG_ROWS if p.may("admin") or p.role != STAFF else 500)
    except Exception:
        log.exception("import log unreadable")
        return ledger_page.empty_note("暂时无法读取导入记录")
    if p.role == STAFF:  # street staff see their own imports, not other streets' files and people
        entries = [e for e in entries if e.get("user_name") == p.name][:LOG_ROWS]
    return ledger_page.log_table(entries)


def ledger_page_layout(**query):
    """The layout for ``/data`` with this server's settings (called by the router)."""
    limits = import_limits()
    p = principal()
    try:
        years = export_years(runtime().service.store)
    except Exception:  # the page still opens; the export itself then says the store is unreadable
        log.exception("export years unreadable")
        years = []
    return ledger_page.layout(max_mb=max(1, limits.max_bytes // (1024 * 1024)),
                              refresh_seconds=runtime().settings.refresh_seconds, user=p.display_name if p else None,
                              admin=bool(p and p.may("admin")), years=years, max_rows=limits.max_rows, **query)
