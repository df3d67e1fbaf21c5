"""What leaves the database leaves after commit: a case's SMS and its photo files. A rolled-back
intake or step sends nothing and leaves no file under MEDIA_ROOT; a committed one does both.

The test's own transaction never commits, so django_capture_on_commit_callbacks(execute=True)
plays the commit: callbacks queued in a savepoint that rolls back are dropped, as in production."""

import io

import pytest
from django.db import transaction
from PIL import Image

from gongzhi.cases import services, workflow
from gongzhi.cases.models import Case, CasePhoto
from gongzhi.notices.sms import MemoryBackend

from ..conftest import HEJI_GRID1

pytestmark = pytest.mark.django_db

CALL = {"channel": "hotline", "kind": "sanitation", "description": "来电反映村口垃圾池满了好几天。",
        "area_code": HEJI_GRID1, "address": "贺集村一组路口", "contact_name": "刘桂兰",
        "contact_phone": "13972561234"}  # fmt: skip


class Boom(Exception):
    pass


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SMS_BACKEND = "gongzhi.notices.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    return tmp_path


def photo() -> tuple[str, bytes]:
    raw = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(raw, format="JPEG")
    return "p.jpg", raw.getvalue()


def files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_committed_intake_writes_its_photos_and_its_accept_sends_the_sms(
    personas, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_submit(actor=personas.heji, data=CALL, photos=[photo(), photo()])
        assert files(media) == []  # not before commit
    stored = sorted(p.relative_to(media).as_posix() for p in files(media))
    assert stored == sorted(p.image.name for p in CasePhoto.objects.filter(case=case)) and len(stored) == 2
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_perform(case=case, actor=personas.heji, action="accept")
        assert MemoryBackend.outbox == []  # not before commit
    assert MemoryBackend.outbox == [
        ("13972561234", f"【共治】您反映的事项 {case.number}：已受理，正在办理。")
    ]


def test_an_intake_that_fails_after_its_photos_leaves_no_file(
    personas, media, monkeypatch, django_capture_on_commit_callbacks
):
    def audit_fails(**kwargs):
        raise Boom

    monkeypatch.setattr(services, "audit_record", audit_fails)  # the last step of the intake
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        services.case_submit(actor=personas.heji, data=CALL, photos=[photo()])
    assert callbacks == [] and files(media) == [] and not Case.objects.exists()


def test_a_rolled_back_batch_leaves_no_file_and_sends_no_sms(
    personas, media, django_capture_on_commit_callbacks
):
    """The rollback comes after the services returned, as in the 说事箱 batch: nothing leaves."""
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        case = services.case_submit(actor=personas.heji, data=CALL, photos=[photo()])
        workflow.case_perform(case=case, actor=personas.heji, action="accept")
        raise Boom
    assert callbacks == [] and files(media) == [] and MemoryBackend.outbox == []
    assert not Case.objects.exists()


def test_a_photo_whose_file_is_not_written_yet_is_a_404(personas, media):
    case = services.case_submit(actor=personas.heji, data=CALL, photos=[photo()])  # never committed
    item = case.photos.get()
    assert personas.client("heji").get(item.url).status_code == 404
