"""The audit trail: who logged in (or failed), imported, confirmed, exported data, created or
revoked a link, changed a user; with the time and the client's address."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import insert, select

from dashboard.schema import AuditEntry
from dashboard.store import Store

ACTION_NAMES = {
    "login": "登录", "login-failed": "登录失败", "logout": "退出", "password": "修改密码",
    "import-check": "台账检查", "import-confirm": "台账导入", "import-refused": "台账导入被拒绝",
    "export-data": "导出台账数据", "link-create": "生成链接", "link-revoke": "撤销链接",
    "user-add": "新建用户", "user-passwd": "重设密码", "user-disable": "停用用户", "user-enable": "启用用户",
    "user-streets": "分配街道", "denied": "拒绝访问", "store-backup": "备份数据库", "store-restore": "恢复数据库",
    "schedule-add": "添加定期简报", "schedule-remove": "删除定期简报", "schedule-subscribe": "订阅定期简报",
    "schedule-unsubscribe": "取消订阅定期简报", "email-set": "修改邮箱",
}


@dataclass(frozen=True)
class Entry:
    id: int
    at: dt.datetime
    user_name: str | None
    action: str
    detail: dict
    address: str | None

    @property
    def action_name(self) -> str:
        return ACTION_NAMES.get(self.action, self.action)


def record(store: Store, action: str, user: str | None = None, address: str | None = None, **detail) -> None:
    with store.engine.begin() as conn:
        conn.execute(insert(AuditEntry).values(action=action, user_name=user, address=address,
                                               detail=json.dumps(detail, ensure_ascii=False, default=str)))


def entries(store: Store, limit: int = 200, action: str | None = None) -> list[Entry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 10_000)))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    with store.session() as s:
        return [Entry(e.id, e.at, e.user_name, e.action, json.loads(e.detail or "{}"), e.address) for e in s.scalars(stmt)]
