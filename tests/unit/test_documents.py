"""The documents package on its own: units in D-SI, the DCC against PTB's schemas, the
signatures, key generations and their rotation, and serving a document's files."""

import re
from datetime import UTC, datetime

import pytest
from nameko import config as nameko_config

from services.common.documents import wiring
from services.common.documents.dcc import DccInvalid, validate_dcc, write_dcc
from services.common.documents.issuing import DocumentFileNotFound, Issuing, document_file
from services.common.documents.keys import IssuingKeyMissing, load_keys, make_generation
from services.common.documents.kinds import KINDS
from services.common.documents.originals import MemoryOriginals
from services.common.documents.signing import check_file, sign_pdf
from services.common.documents.units import ACCEPTED_UNITS, D_SI
from services.metrology.domain import documents as metrology_documents
from services.metrology.domain.certificates import Certificate
from services.metrology.schemas import CalibrationPointSchema

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
STANDARD = {"id": "RS-P01", "name": "精密数字压力计", "model": "CPG2500", "serial_number": "DPC-88001",
            "measuring_range": "(0-2.5) MPa", "uncertainty": "0.02级", "calibration_certificate": "JSJL-2026-01234",
            "calibrated_by": "江苏省计量科学研究院", "calibration_valid_until": "2027-06-30",
            "traceability": "量值溯源至国家计量基准。"}


def calibration_certificate(unit="MPa", **changes):
    fields = dict(
        number="SQJL-2026-000001", kind="calibration_certificate", title="校准证书", revision=0, replaces=None,
        request_code="321322-20261207-00001-8", item="JL02",
        laboratory={"name": "宿迁市计量实验室", "address": "江苏省宿迁市", "authorization": None},
        customer={"name": "宿迁市测试精密机械有限公司", "uscc": "91321322MA1ABC123P"},
        received_on="2026-12-07", issued_at=NOW.isoformat(), issued_epoch=NOW.timestamp(),
        statements=["本证书的结果仅对所校准的计量器具有效。"],
        signatories={"performed_by": "李工", "reviewed_by": "王工", "issued_by": "王工"}, correction_reason=None,
        instrument={"name": "数字压力表", "model": "YB-150", "serial_number": "SN-0001", "measuring_range": "0-1.6 MPa",
                    "accuracy_class": "0.4级", "quantity": 1, "manufacturer": "上海仪表厂", "type": None},
        method={"code": "JJG 875-2019", "title": "数字压力计"}, performed_on="2026-12-07", location="压力室",
        environment={"location": "压力室", "temperature_c": "20.5", "humidity_pct": "55"},
        reference_standards=[STANDARD],
        results={"adjusted": True, "points": [
            {"nominal": "1.600", "measured": "1.5985", "measured_before_adjustment": "1.6100", "error": "-0.0015",
             "expanded_uncertainty": "0.0012", "coverage_factor": "2", "coverage_probability": "0.95", "unit": unit}]},
        conclusion=None, valid_until=None, validity=None, recalibration_date=None,
    )
    fields.update(changes)
    return Certificate(**fields)


class TestUnits:
    def test_every_unit_metrology_accepts_is_valid_d_si(self):
        from dsi_unit import DsiUnit

        invalid = {unit: notation for unit, notation in D_SI.items() if not DsiUnit(notation).valid}
        assert invalid == {}

    def test_a_calibration_point_in_a_unit_the_dcc_cannot_write_is_refused(self):
        point = {"nominal": "1", "measured": "1", "expanded_uncertainty": "0.1", "coverage_factor": 2}
        assert CalibrationPointSchema().load({**point, "unit": "MPa"})["unit"] == "MPa"
        errors = CalibrationPointSchema().validate({**point, "unit": "furlong"})
        assert errors["unit"][0].startswith("not_an_option")

    def test_the_coverage_probability_is_asked_for_unless_k_is_2(self):
        point = {"nominal": "1", "measured": "1", "expanded_uncertainty": "0.1", "unit": "kPa"}
        assert CalibrationPointSchema().validate({**point, "coverage_factor": 2}) == {}
        assert CalibrationPointSchema().validate({**point, "coverage_factor": 3}) == {
            "coverage_probability": ["coverage_probability_required"]}
        assert CalibrationPointSchema().validate({**point, "coverage_factor": 3, "coverage_probability": "0.997"}) == {}


class TestTheDcc:
    @pytest.mark.parametrize("unit", sorted(set(ACCEPTED_UNITS)))
    def test_a_calibration_certificate_in_any_accepted_unit_is_a_valid_dcc(self, unit):
        xml = write_dcc(metrology_documents.dcc_content(calibration_certificate(unit)))
        validate_dcc(xml)
        assert D_SI[unit].encode() in xml

    def test_a_dcc_the_schema_refuses_is_told_apart(self):
        xml = write_dcc(metrology_documents.dcc_content(calibration_certificate()))
        broken = re.sub(rb"<dcc:uniqueIdentifier>[^<]+</dcc:uniqueIdentifier>", b"", xml)
        with pytest.raises(DccInvalid):
            validate_dcc(broken)

    def test_an_older_result_without_a_probability_states_095(self):
        certificate = calibration_certificate()
        del certificate.results["points"][0]["coverage_probability"]
        assert b"<si:coverageProbability>0.95</si:coverageProbability>" in write_dcc(
            metrology_documents.dcc_content(certificate))


class TestSignatures:
    def test_a_signed_pdf_checks_and_any_changed_byte_does_not(self, tmp_path):
        keys = load_keys(tmp_path, dev=True)
        issuing = Issuing(keys=lambda: keys, originals=MemoryOriginals(), public_base_url="https://qi.example.cn")
        pdf = document_file(issuing, metrology_documents.printed(calibration_certificate()), "current", "pdf",
                            NOW).content
        verdict = check_file(pdf, keys.generations)
        assert verdict.genuine and verdict.identity == {"number": "SQJL-2026-000001",
                                                        "kind": "calibration_certificate", "edition": 0}
        for at in range(0, len(pdf), len(pdf) // 25):
            changed = bytearray(pdf)
            changed[at] ^= 0x01
            assert not check_file(bytes(changed), keys.generations).genuine, at

    def test_no_byte_of_the_signature_itself_can_change_unnoticed(self, tmp_path):
        keys = load_keys(tmp_path, dev=True)
        issuing = Issuing(keys=lambda: keys, originals=MemoryOriginals(), public_base_url="https://qi.example.cn")
        pdf = document_file(issuing, metrology_documents.printed(calibration_certificate()), "current", "pdf",
                            NOW).content
        start = pdf.index(b"/Contents <") + len(b"/Contents <")
        end = pdf.index(b">", start)
        for at in range(start, end, 11):  # the hex of the CMS (certificates, signature) and its zero padding
            changed = bytearray(pdf)
            changed[at] = ord("0") if changed[at] != ord("0") else ord("1")
            assert not check_file(bytes(changed), keys.generations).genuine, at

    def test_no_byte_of_a_signed_dcc_can_change_unnoticed(self, tmp_path):
        keys = load_keys(tmp_path, dev=True)
        issuing = Issuing(keys=lambda: keys, originals=MemoryOriginals(), public_base_url="https://qi.example.cn")
        certificate = calibration_certificate()
        signed = document_file(issuing, metrology_documents.printed(certificate), "current", "signed.xml", NOW,
                               dcc=lambda: metrology_documents.dcc_content(certificate)).content
        assert check_file(signed, keys.generations).genuine
        for at in range(0, len(signed), 7):
            changed = bytearray(signed)
            changed[at] = ord(" ") if changed[at] != ord(" ") else ord("\n")
            assert not check_file(bytes(changed), keys.generations).genuine, (at, signed[at - 20:at + 20])

    def test_a_file_signed_by_another_key_is_not_ours(self, tmp_path):
        ours, theirs = load_keys(tmp_path / "ours", dev=True), load_keys(tmp_path / "theirs", dev=True)
        issuing = Issuing(keys=lambda: theirs, originals=MemoryOriginals(), public_base_url="https://x.example")
        pdf = document_file(issuing, metrology_documents.printed(calibration_certificate()), "current", "pdf",
                            NOW).content
        assert check_file(pdf, ours.generations).reason == "not_ours"

    def test_after_a_rotation_the_newest_generation_signs_and_the_old_ones_still_check(self, tmp_path):
        first = load_keys(tmp_path, dev=True)
        old_pdf = sign_pdf(b"%PDF-1.4\n" + _minimal_pdf_body(), first.signing(), "r", "l")
        make_generation(tmp_path, "zz-2027", "rotated")
        rotated = load_keys(tmp_path, dev=True)
        assert rotated.signing().name == "zz-2027"
        new_pdf = sign_pdf(b"%PDF-1.4\n" + _minimal_pdf_body(), rotated.signing(), "r", "l")
        assert check_file(new_pdf, rotated.generations).signed_by == "zz-2027"
        assert check_file(old_pdf, rotated.generations).signed_by == first.signing().name
        (tmp_path / first.signing().name / "key.pem").unlink()  # the old key retired, its certificate kept
        assert check_file(old_pdf, load_keys(tmp_path, dev=False).generations).genuine


class TestKeysAndAddressOutsideDev:
    def test_no_key_is_made_outside_dev_and_the_services_refuse_to_start(self, tmp_path):
        with pytest.raises(IssuingKeyMissing):
            load_keys(tmp_path / "empty", dev=False)
        with nameko_config.patch({"QI_ENV": "production", "ISSUING_KEYS_DIR": str(tmp_path / "empty"),
                                  "PUBLIC_BASE_URL": "https://qi.example.gov.cn"}):
            with pytest.raises(IssuingKeyMissing):
                wiring.issuing_keys()

    def test_a_loopback_public_address_is_refused_outside_dev_only(self):
        with nameko_config.patch({"QI_ENV": "production", "PUBLIC_BASE_URL": "http://127.0.0.1:8000"}):
            with pytest.raises(wiring.PublicAddressRefused):
                wiring.public_base_url()
        with nameko_config.patch({"QI_ENV": "production", "PUBLIC_BASE_URL": "https://qi.example.gov.cn"}):
            assert wiring.public_base_url() == "https://qi.example.gov.cn"
        with nameko_config.patch({"QI_ENV": "dev", "PUBLIC_BASE_URL": "http://localhost:8000"}):
            assert wiring.public_base_url() == "http://localhost:8000"


class TestServingFiles:
    def issuing(self, tmp_path):
        keys = load_keys(tmp_path, dev=True)
        return Issuing(keys=lambda: keys, originals=MemoryOriginals(), public_base_url="https://qi.example.cn")

    def test_the_signed_original_is_made_once_and_served_as_it_is(self, tmp_path):
        issuing = self.issuing(tmp_path)
        content = metrology_documents.printed(calibration_certificate())
        first = document_file(issuing, content, "current", "pdf", NOW)
        assert document_file(issuing, content, "current", "pdf", NOW).content == first.content
        assert list(issuing.originals.kept) == ["SQJL-2026-000001:0:pdf"]

    def test_a_withdrawn_document_is_a_fresh_stamped_copy_and_the_original_is_kept(self, tmp_path):
        issuing = self.issuing(tmp_path)
        content = metrology_documents.printed(calibration_certificate())
        original = document_file(issuing, content, "current", "pdf", NOW).content
        stamped = document_file(issuing, content, "withdrawn", "pdf", NOW)
        assert stamped.content != original and stamped.state == "withdrawn"
        assert issuing.originals.kept["SQJL-2026-000001:0:pdf"] == original
        assert check_file(stamped.content, issuing.keys().generations).genuine

    def test_only_calibration_certificates_have_a_dcc(self, tmp_path):
        issuing = self.issuing(tmp_path)
        verification = calibration_certificate(kind="verification_certificate")
        with pytest.raises(DocumentFileNotFound):
            document_file(issuing, metrology_documents.printed(verification), "current", "xml", NOW,
                          dcc=lambda: metrology_documents.dcc_content(verification))
        assert [kind for kind, about in KINDS.items() if "xml" in about.formats] == ["calibration_certificate"]

    def test_the_signed_dcc_holds_the_very_dcc_that_is_served(self, tmp_path):
        issuing = self.issuing(tmp_path)
        certificate = calibration_certificate()
        content = metrology_documents.printed(certificate)
        dcc = document_file(issuing, content, "current", "xml", NOW,
                            dcc=lambda: metrology_documents.dcc_content(certificate)).content
        signed = document_file(issuing, content, "current", "signed.xml", NOW,
                               dcc=lambda: metrology_documents.dcc_content(certificate)).content
        verdict = check_file(signed, issuing.keys().generations)
        assert verdict.genuine and verdict.identity["number"] == "SQJL-2026-000001"
        assert dcc.split(b"?>", 1)[1].strip()[:60] in signed


def _minimal_pdf_body():
    """A one-page PDF as reportlab writes it (without its header line)."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(100, 700, "rotation")
    canvas.showPage()
    canvas.save()
    return out.getvalue().split(b"\n", 1)[1]
