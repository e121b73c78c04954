"""Attachments (issue 28 §4) on fakes: what a file is, read from its bytes; which files
are taken; uploads given to a request (the form's materials, a 补正 answer, an
operator's written answer) and kept, read by the request's readers only, and deleted
when nobody took them in time."""

import io
import zipfile
from datetime import timedelta

import pytest
from marshmallow import ValidationError

from services.gateway.adapters.repository import RequestGroupRepository, RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.domain import files as kinds
from services.gateway.domain.access import Principal
from services.gateway.domain.files import (
    AttachmentUnavailable,
    FileRefused,
    accepted_type,
    clean_name,
    sniff,
)
from services.gateway.domain.model import MissingReason
from services.gateway.exceptions import FileNotFound, RequestNotFound
from services.gateway.handlers import documents, enterprise, files, intake, operators, station
from services.gateway.web.schemas.intake import load_submission
from tests.fakes.files import InMemoryFiles
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL02_BODY, NOW, jl02_body, staff_of, through_the_station

CATALOGUE, STATIONS = reference_data()
LIMITS = files.UploadLimits(max_bytes=64 * 1024, max_files=5, keep_unattached=timedelta(hours=24))
ANONYMOUS = {"role": "anonymous", "client": "203.0.113.7"}

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00" + b"\x00" * 64 \
    + b"PE\x00\x00"
TEXT = "营业执照号：91321322MA1ABC123P\r\n经办人：张伟\n".encode()


def package(*names):
    """A ZIP holding these entries, as office formats and OFD are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = package("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX = package("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")
OFD = package("OFD.xml", "Doc_0/Document.xml")


class TestWhatAFileIs:
    @pytest.mark.parametrize(("data", "media_type"), [
        (PDF, kinds.PDF), (PNG, kinds.PNG), (JPEG, kinds.JPEG), (DOCX, kinds.DOCX), (XLSX, kinds.XLSX),
        (OFD, kinds.OFD), (TEXT, kinds.TEXT),
        (EXE, "application/x-msdownload"),
        (package("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"), kinds.MACRO_WORD),
        (package("setup.exe"), kinds.ZIP),
        (b"PK\x03\x04 not really a zip", kinds.ZIP),
        (b"abc\x00\x01\x02binary", kinds.UNKNOWN),
        ("报告".encode("gb18030") + b"\xff\xfe", kinds.UNKNOWN),
    ])
    def test_the_type_is_read_from_the_bytes(self, data, media_type):
        assert sniff(data) == media_type

    def test_an_executable_renamed_pdf_is_refused_for_what_it_is(self):
        with pytest.raises(FileRefused) as refused:
            accepted_type(EXE, "营业执照.pdf", LIMITS.max_bytes)
        assert refused.value.code == "file_type_not_allowed"
        assert refused.value.params["detected"] == "application/x-msdownload"

    def test_an_allowed_type_under_a_name_that_says_another_is_refused(self):
        with pytest.raises(FileRefused) as refused:
            accepted_type(PNG, "营业执照.pdf", LIMITS.max_bytes)
        assert (refused.value.code, refused.value.params["extension"]) == ("file_type_mismatch", ".pdf")

    @pytest.mark.parametrize(("data", "name", "taken_as"), [
        (PDF, "营业执照.PDF", (kinds.PDF, "营业执照.PDF")),
        (JPEG, "照片.jpeg", (kinds.JPEG, "照片.jpeg")),
        (TEXT, "清单.csv", (kinds.TEXT, "清单.csv")),
        (PDF, "扫描件", (kinds.PDF, "扫描件.pdf")),  # no extension: the type's is added
        (PDF, "报告 2026.05", (kinds.PDF, "报告 2026.05.pdf")),  # digits are no extension
        (PDF, r"C:\Users\张伟\Desktop\身份证.pdf", (kinds.PDF, "身份证.pdf")),  # the path some browsers send
    ])
    def test_allowed_files_are_taken_with_a_clean_name(self, data, name, taken_as):
        assert accepted_type(data, name, LIMITS.max_bytes) == taken_as

    def test_an_empty_file_and_one_over_the_limit_are_refused(self):
        for data, code in ((b"", "file_empty"), (PDF + b"\x00" * LIMITS.max_bytes, "file_too_large")):
            with pytest.raises(FileRefused) as refused:
                accepted_type(data, "a.pdf", LIMITS.max_bytes)
            assert refused.value.code == code

    def test_a_name_loses_control_characters_and_keeps_its_extension_when_cut(self):
        assert clean_name("a\x00b\u202e.pdf") == "ab.pdf"
        long = clean_name("很" * 300 + ".pdf")
        assert len(long) == 200 and long.endswith(".pdf")
        assert clean_name("") == clean_name("...") == "file"


@pytest.fixture
def store():
    return InMemoryFiles()


@pytest.fixture
def requests():
    return RequestRepository(InMemoryDocumentStore())


def upload(store, *pairs, now=NOW):
    return files.upload(store, [files.Upload(name, data) for name, data in pairs], ANONYMOUS, LIMITS, now)


class TestUploading:
    def test_an_upload_is_kept_with_its_digest_type_and_expiry(self, store):
        (record,) = upload(store, ("营业执照.pdf", PDF))
        assert (record.name, record.size, record.content_type) == ("营业执照.pdf", len(PDF), kinds.PDF)
        assert record.sha256 == __import__("hashlib").sha256(PDF).hexdigest()
        assert record.expires_at == (NOW + timedelta(hours=24)).isoformat()
        assert record.request_code is None and record.uploader == ANONYMOUS
        assert store.content(record.id) == PDF

    def test_one_refused_file_and_none_of_the_call_is_stored(self, store):
        with pytest.raises(FileRefused) as refused:
            upload(store, ("a.pdf", PDF), ("b.pdf", EXE))
        assert refused.value.params["index"] == 1
        assert store.records == {}


def submit(requests, store, body, groups=None):
    return intake.submit(requests, groups, load_submission(body, CATALOGUE, STATIONS), CATALOGUE, NOW, files=store)


class TestApplicationMaterials:
    def test_the_forms_materials_become_the_requests_files_and_stay(self, requests, store):
        licence, other = upload(store, ("营业执照.pdf", PDF), ("说明.txt", TEXT))
        request, _ = submit(requests, store, jl02_body(attachments=[{"id": licence.id, "material": 0},
                                                                      {"id": other.id}]))
        held = requests.get(request.code)
        assert [(each["id"], each["purpose"], each["material"]) for each in held.attachments] == [
            (licence.id, "material", 0), (other.id, "material", None)]
        assert held.attachments[0]["material_label"]["zh-CN"] == CATALOGUE.item("JL02").materials[0]["zh-CN"]
        assert all(store.get(each).request_code == request.code for each in (licence.id, other.id))
        assert all(store.get(each).expires_at is None for each in (licence.id, other.id))

    def test_a_several_item_submission_gives_each_file_to_its_items_request(self, requests, store):
        (licence,) = upload(store, ("营业执照.pdf", PDF))
        groups = RequestGroupRepository(InMemoryDocumentStore())
        body = {**{k: v for k, v in JL02_BODY.items() if k not in ("item", "details")}, "items": ["JL02", "BZ01"],
                "details": {"JL02": JL02_BODY["details"], "BZ01": {"query": "GB/T 19001-2016"}},
                "attachments": [{"id": licence.id, "item": "JL02", "material": 0}]}
        group, children = submit(requests, store, body, groups)
        jl02 = next(child for child in children if child.item == "JL02")
        assert [each["id"] for each in jl02.attachments] == [licence.id]
        assert store.get(licence.id).request_code == jl02.code and store.get(licence.id).expires_at is None
        assert groups.get(group.code).attachments["JL02"][0]["id"] == licence.id

    def test_an_unknown_expired_or_taken_upload_is_refused_and_nothing_is_stored(self, requests, store):
        (first,) = upload(store, ("a.pdf", PDF))
        taken, _ = submit(requests, store, jl02_body(attachments=[{"id": first.id}]))
        (stale,) = upload(store, ("b.pdf", PDF), now=NOW - timedelta(hours=25))
        for file_id, reason in ((first.id, "file_attached_elsewhere"), (stale.id, "unknown_file"),
                                ("0" * 32, "unknown_file")):
            with pytest.raises(AttachmentUnavailable) as refused:
                submit(requests, store, jl02_body(attachments=[{"id": file_id}]))
            assert refused.value.reason == reason
        assert [request.code for request in requests._find()] == [taken.code]

    def test_a_material_is_one_the_item_lists_and_goes_with_a_chosen_item(self):
        last = len(CATALOGUE.item("JL02").materials) - 1
        for attachments, errors in (
            ([{"id": "a" * 32, "material": last + 1}, {"id": "b" * 32, "item": "JC01"}],
             {"0": {"material": [f"range|min=0;max={last}"]}, "1": {"item": ["unknown_item"]}}),
            ([{"id": "nope"}], {0: {"id": ["not_a_file_id"]}}),
        ):
            with pytest.raises(ValidationError) as refused:
                load_submission(jl02_body(attachments=attachments), CATALOGUE, STATIONS)
            assert refused.value.messages == {"attachments": errors}


@pytest.fixture
def waiting(requests, store):
    """A request the station asked material for (补正)."""
    request, _ = submit(requests, store, JL02_BODY)
    staff = staff_of()
    station.station_step(requests, request.code, staff, "request_material", request.version, NOW,
                         note="请补充营业执照复印件")
    return request.code


class TestSupplementWithFiles:
    def test_the_enterprise_answers_with_a_file_and_the_request_holds_it(self, requests, store, waiting):
        (licence,) = upload(store, ("营业执照.pdf", PDF))
        answered = enterprise.enterprise_step(requests, waiting, None, "13912345678", "supplement", NOW, None, store,
                                              [licence.id])
        assert answered.status == "submitted"
        assert answered.material_request["files"] == [licence.id]
        assert answered.attachments[-1] | {"attached_at": None} == {
            **licence.reference(), "purpose": "supplement", "attached_at": None}
        assert store.get(licence.id).request_code == waiting and store.get(licence.id).expires_at is None
        assert answered.timeline[-1]["details"] == {"files": 1}

    def test_neither_words_nor_files_is_no_answer(self, requests, store, waiting):
        with pytest.raises(MissingReason):
            enterprise.enterprise_step(requests, waiting, None, "13912345678", "supplement", NOW, " ", store, [])

    def test_a_wrong_phone_claims_nothing(self, requests, store, waiting):
        (licence,) = upload(store, ("营业执照.pdf", PDF))
        with pytest.raises(RequestNotFound):
            enterprise.enterprise_step(requests, waiting, None, "13800000000", "supplement", NOW, "见附件", store,
                                       [licence.id])
        assert store.get(licence.id).request_code is None


class AnsweringService:
    """A domain service taking a written answer: what it was given, or a refusal."""

    def __init__(self, refusal=None):
        self.calls, self.refusal = [], refusal

    def call(self, service, method, *args):
        self.calls.append((service, method, *args))
        if self.refusal is not None:
            raise self.refusal
        return {"status": "completed"}


def dispatched_consultation(requests, store):
    request, _ = submit(requests, store, jl02_body(item="JC03", details={"question": "能否检测大米中的镉？"}))
    through_the_station(requests, request.code)
    return request.code


class TestWrittenAnswerWithFiles:
    def test_the_answer_names_its_uploads_and_the_service_gets_what_each_file_is(self, requests, store):
        code = dispatched_consultation(requests, store)
        report, table = upload(store, ("检测能力说明.pdf", PDF), ("项目表.txt", TEXT))
        service = AnsweringService()
        command = {"answer": "可以检测。", "operator": "检测员", "attachments": [{"id": report.id}, {"id": table.id}]}
        assert operators.answer_in_writing(service, store, requests, "testing", code, command, NOW) == {
            "status": "completed"}
        ((_, method, answered_code, given),) = service.calls
        assert (method, answered_code, given["operator"]) == ("answer_question", code, "检测员")
        assert given["attachments"] == [report.reference(), table.reference()]
        assert given["attachments"][0]["sha256"] == report.sha256 and given["attachments"][1]["content_type"] == kinds.TEXT
        assert all(store.get(each.id).request_code == code and store.get(each.id).expires_at is None
                   for each in (report, table))

    def test_an_unknown_upload_is_refused_before_the_service_is_asked(self, requests, store):
        code = dispatched_consultation(requests, store)
        (report,) = upload(store, ("检测能力说明.pdf", PDF))
        service = AnsweringService()
        with pytest.raises(AttachmentUnavailable) as refused:
            operators.answer_in_writing(service, store, requests, "testing", code,
                                        {"answer": "见附件", "attachments": [{"id": report.id}, {"id": "0" * 32}]}, NOW)
        assert (refused.value.index, refused.value.reason) == (1, "unknown_file")
        assert service.calls == [] and store.get(report.id).request_code is None

    def test_an_answer_the_service_refuses_keeps_no_file(self, requests, store):
        code = dispatched_consultation(requests, store)
        (report,) = upload(store, ("检测能力说明.pdf", PDF))
        with pytest.raises(LookupError):
            operators.answer_in_writing(AnsweringService(LookupError("answered already")), store, requests,
                                        "testing", code, {"answer": "见附件", "attachments": [{"id": report.id}]}, NOW)
        assert store.get(report.id).expires_at is not None  # claimed, never kept: the expiry takes it
        assert files.remove_expired(store, requests, NOW + timedelta(hours=25)) == 1


class TestReading:
    @pytest.fixture
    def held(self, requests, store, waiting):
        (licence,) = upload(store, ("营业执照.pdf", PDF))
        enterprise.enterprise_step(requests, waiting, None, "13912345678", "supplement", NOW, None, store,
                                   [licence.id])
        return waiting, licence

    def read(self, requests, store, code, file_id, phone=None, principal=None):
        return documents.request_file(store, requests, RequestGroupRepository(InMemoryDocumentStore()), code, phone,
                                      principal, file_id)

    def test_the_contact_phone_and_the_stations_staff_read_it(self, requests, store, held):
        code, licence = held
        for who in ({"phone": "13912345678"}, {"principal": staff_of()},
                    {"principal": Principal("e", "enterprise", "企业", uscc="91321322MA1ABC123P")},
                    {"principal": Principal("m1", "operator", "计量", domain="metrology")}):
            record, data = self.read(requests, store, code, licence.id, **who)
            assert (record.name, data) == ("营业执照.pdf", PDF)

    def test_another_phone_another_station_another_domain_are_refused(self, requests, store, held):
        code, licence = held
        for who in ({"phone": "13800000000"}, {"principal": staff_of("321302")},
                    {"principal": Principal("t1", "operator", "检测", domain="testing")}):
            with pytest.raises(RequestNotFound):
                self.read(requests, store, code, licence.id, **who)

    def test_a_file_is_read_only_through_the_request_that_holds_it(self, requests, store, held):
        code, licence = held
        other, _ = submit(requests, store, JL02_BODY)
        (loose,) = upload(store, ("a.pdf", PDF))
        for request_code, file_id in ((other.code, licence.id), (code, loose.id), (code, "../../etc/passwd")):
            with pytest.raises(FileNotFound):
                self.read(requests, store, request_code, file_id, phone="13912345678")


class TestExpiry:
    def test_uploads_nobody_took_go_after_a_day_and_the_rest_stay(self, requests, store, waiting):
        (old,) = upload(store, ("old.pdf", PDF), now=NOW - timedelta(hours=25))
        (recent,) = upload(store, ("recent.pdf", PDF), now=NOW - timedelta(hours=1))
        (kept,) = upload(store, ("kept.pdf", PDF), now=NOW - timedelta(hours=25))
        enterprise.enterprise_step(requests, waiting, None, "13912345678", "supplement", NOW - timedelta(hours=2),
                                   None, store, [kept.id])
        assert files.remove_expired(store, requests, NOW) == 1
        assert store.get(old.id) is None and store.content(old.id) is None
        assert store.get(recent.id) is not None and store.get(kept.id) is not None
        assert files.remove_expired(store, requests, NOW + timedelta(hours=24)) == 1  # now the recent one
        assert set(store.records) == {kept.id}

    def test_a_file_claimed_for_a_request_stored_without_its_keep_is_kept_and_an_unused_claim_goes(
            self, requests, store):
        (used,) = upload(store, ("used.pdf", PDF), now=NOW - timedelta(hours=25))
        (unused,) = upload(store, ("unused.pdf", PDF), now=NOW - timedelta(hours=25))
        request, _ = submit(requests, store, JL02_BODY)
        held = requests.get(request.code)
        held.attachments = [{**store.get(used.id).reference(), "purpose": "material"}]
        requests.save(held)
        files.claim(store, [used.id, unused.id], request.code, NOW - timedelta(hours=24, minutes=30))
        # the process died before keep(): both still expire
        assert files.remove_expired(store, requests, NOW) == 1
        assert store.get(unused.id) is None
        assert store.get(used.id).expires_at is None and store.get(used.id).request_code == request.code


class TestDownloadName:
    @pytest.mark.parametrize(("name", "ascii_name"), [
        ("营业执照.pdf", "file.pdf"), ("Zertifikat Müller.pdf", "Zertifikat Muller.pdf"),
        ('a"b;c.txt', "a_b_c.txt"), ("报告", "file"),
    ])
    def test_the_name_goes_in_utf8_with_an_ascii_stand_in(self, name, ascii_name):
        from urllib.parse import quote

        from services.gateway.web.uploads import content_disposition

        assert content_disposition(name) == f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
