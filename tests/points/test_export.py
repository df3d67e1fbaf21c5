"""Excel exports: an account's ledger balances line by line, an area's entries for a period, a whole
board; each audited as points.export, and only for what the user may see (郭店村 staff get a 404)."""

import io

import pytest
from openpyxl import load_workbook

from gongzhi.audit.models import AuditEvent
from gongzhi.kernel.errors import Forbidden
from gongzhi.kernel.office import XLSX
from gongzhi.points import export, ledger
from gongzhi.points.choices import EntryKind, Source
from gongzhi.points.honours import selectors
from gongzhi.points.models import PointAccount, PointEntry
from tests.conftest import GAOYANG, GUODIAN, HEJI, HEJI_GRID1
from tests.points.honours.test_boards import at, person_account, post

from .factories import resident_with_account

pytestmark = pytest.mark.django_db


def rows_of(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


@pytest.fixture
def ledger_of_li(personas):
    user, account = resident_with_account(personas.heji, HEJI_GRID1)
    post(account, 10, when=at(2026, 3, 1), reason="照顾孤寡老人")
    post(account, -3, EntryKind.DEDUCTION, at(2026, 3, 31, 23, 30), reason="乱扔垃圾")
    redemption = post(account, -5, EntryKind.REDEMPTION, at(2026, 4, 1, 8))
    ledger.reverse(entry=redemption, actor=personas.heji, reason="取消兑换", source=Source.REDEMPTION)
    post(account, -4, EntryKind.REDEMPTION, at(2026, 4, 2, 8))
    return user, account


def test_ledger_export_balances_match(personas, ledger_of_li):
    _, account = ledger_of_li
    rows = rows_of(export.account_ledger_xlsx(actor=personas.heji, account=account))
    assert rows[0] == ("时间", "类型", "项目", "事由", "变动", "余额", "经办人")
    body = rows[1:]
    assert [r[1] for r in body] == ["加分", "扣分", "兑换", "退还", "兑换"]
    running = 0
    for row in body:
        running += row[4]
        assert row[5] == running
    account.refresh_from_db()
    assert (
        running
        == account.balance
        == 3
        == sum(PointEntry.objects.filter(account=account).values_list("delta", flat=True))
    )
    # Beijing wall-clock time, not UTC.
    assert body[1][0].strftime("%Y-%m-%d %H:%M") == "2026-03-31 23:30" and body[1][3] == "乱扔垃圾"
    event = AuditEvent.objects.get(action="points.export")
    assert event.details == {"export": "ledger", "rows": 5} and event.object_id == str(account.pk)


def test_area_entries_and_board_exports(personas, ledger_of_li):
    _, li = ledger_of_li
    other = person_account(personas.heji, HEJI_GRID1, "王五")
    post(other, 20, when=at(2026, 3, 15))
    post(person_account(personas.guodian, GUODIAN + "001", "外村"), 50, when=at(2026, 3, 15))
    rows = rows_of(export.area_entries_xlsx(actor=personas.heji, area_code=HEJI, period="2026Q1"))
    assert rows[0][:4] == ("时间", "账户", "积分主体", "区域编码")
    assert sorted(r[1] for r in rows[1:]) == [
        "李秀英",
        "李秀英",
        "王五",
    ]  # Q1 in Beijing time; 外村 is elsewhere
    assert sum(r[7] for r in rows[1:]) == 27

    board = rows_of(
        export.board_xlsx(actor=personas.gaoyang, area_code=GAOYANG, period="2026", subject="resident")
    )
    expected = selectors.board(area_code=GAOYANG, period="2026", subject="resident", limit=None)
    assert board[0] == ("名次", "名称", "区域", "区域编码", "积分")
    assert [(r[0], r[1], r[4]) for r in board[1:]] == [(e.rank, e.name, e.score) for e in expected]
    assert board[1][:3] == (1, "王五", "贺集村第1网格") and board[2][4] == 7
    assert AuditEvent.objects.filter(action="points.export").count() == 2

    for call in (lambda: export.area_entries_xlsx(actor=personas.guodian, area_code=HEJI, period="all"),
                 lambda: export.board_xlsx(actor=personas.resident, area_code=HEJI, period="all", subject="resident"),
                 lambda: export.account_ledger_xlsx(actor=personas.guodian, account=li)):  # fmt: skip
        with pytest.raises(Forbidden):
            call()


def test_export_pages(personas, ledger_of_li):
    user, li = ledger_of_li
    client = personas.client("heji")
    for url in (f"/points/boards/export/board.xlsx?area={HEJI}&period=2026&subject=resident",
                f"/points/boards/export/entries.xlsx?area={HEJI}&period=2026",
                f"/points/boards/export/ledger/{li.pk}.xlsx"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == XLSX, url
        assert "filename*=UTF-8''" in response["Content-Disposition"]
        assert rows_of(response.content)[1]
    guodian = personas.client("guodian")
    assert guodian.get(f"/points/boards/export/ledger/{li.pk}.xlsx").status_code == 404
    assert guodian.get(f"/points/boards/export/entries.xlsx?area={HEJI}").status_code == 404
    assert guodian.get(f"/points/boards/export/board.xlsx?area={HEJI}").status_code == 404
    # A resident exports their own ledger, and nobody else's.
    resident = personas.client("heji")
    resident.force_login(user)
    assert resident.get(f"/points/boards/export/ledger/{li.pk}.xlsx").status_code == 200
    stranger = PointAccount.objects.exclude(pk=li.pk).first() or person_account(
        personas.heji, HEJI_GRID1, "别人"
    )
    assert resident.get(f"/points/boards/export/ledger/{stranger.pk}.xlsx").status_code == 404
