"""A verification or calibration certificate as it is printed (and, for calibration, as a
DCC): built from the issued :class:`~.certificates.Certificate`, nothing else.

JJF 1071 (calibration certificates) and JJF 1069 practice (verification certificates and
notices of failure), on ISO/IEC 17025 §7.8.2-7.8.4: the item, the method, the dates of
receipt, calibration and issue, the place and conditions, results with U, k and the
coverage probability, the reference standards the results are traceable to, and who
calibrated, checked and approved.
"""

from datetime import datetime
from typing import Any

from ...common.clock import china_date
from ...common.documents.content import DocumentContent, Party, Section, Table, lines
from ...common.documents.dcc import DccContent, DccPoint, DccStandard
from ...common.documents.kinds import kind_of
from .certificates import CALIBRATION_CERTIFICATE, FAILURE_NOTICE, Certificate
from .standard_certificates import StandardCertificate

DEFAULT_COVERAGE_PROBABILITY = "0.95"  # for k = 2 when the result does not say (JJF 1059.1)
CONCLUSIONS = {"pass": "合格 Pass", "fail": "不合格 Fail"}
SIGNATORY_ROLES = {
    CALIBRATION_CERTIFICATE: ("校准员 Calibrated by", "核验员 Checked by", "批准人 Approved by"),
}
VERIFICATION_ROLES = ("检定员 Verified by", "核验员 Checked by", "批准人 Approved by")


def printed(certificate: Certificate) -> DocumentContent:
    """What the certificate says, section by section, as printed."""
    performer, checker, approver = SIGNATORY_ROLES.get(certificate.kind, VERIFICATION_ROLES)
    signatories = certificate.signatories
    return DocumentContent(
        number=certificate.number, kind=certificate.kind, edition=0, request_code=certificate.request_code,
        issuer=Party(certificate.laboratory["name"], certificate.laboratory.get("address"),
                     certificate.laboratory.get("authorization")),
        customer=Party(certificate.customer["name"], identifier=certificate.customer.get("uscc")),
        issued_on=issued_on(certificate),
        sections=(_item(certificate), _work(certificate), *_results(certificate), _traceability(certificate)),
        statements=tuple(certificate.statements) + ((f"备注 Remarks：{certificate.remarks}",) if certificate.remarks else ()),
        signatories=lines((performer, signatories.get("performed_by")), (checker, signatories.get("reviewed_by")),
                          (approver, signatories.get("issued_by"))),
        replaces=certificate.replaces, replacement_reason=certificate.correction_reason,
    )


def printed_standard_certificate(certificate: StandardCertificate) -> DocumentContent:
    """A 计量标准考核证书 as printed (JJF 1033): the standard, its holder, the assessment it
    passed and the day it runs out; issued by the assessing authority."""
    standard, assessment = certificate.standard, certificate.assessment
    return DocumentContent(
        number=certificate.number, kind=certificate.kind, edition=0, request_code=certificate.request_code,
        issuer=Party(certificate.laboratory["name"], certificate.laboratory.get("address"),
                     certificate.laboratory.get("authorization")),
        customer=Party(certificate.customer["name"], identifier=certificate.customer.get("uscc"),
                       role="持证单位 Holder"),
        issued_on=issued_on(certificate),
        sections=(
            Section("计量标准 Measurement standard", lines(
                ("计量标准名称 Standard", standard.get("standard_name")),
                ("测量范围 Measuring range", standard.get("measuring_range")),
                ("不确定度或准确度等级 Uncertainty / class", standard.get("uncertainty")),
                ("主要配套设备 Main equipment", standard.get("main_equipment")),
            )),
            Section("考核 Assessment", lines(
                ("考核类型 Type", {"new": "新建 New", "renewal": "复查 Renewal"}.get(
                    certificate.assessment_type, certificate.assessment_type)),
                ("依据 Rule", assessment.get("rule")),
                ("考评日期 Assessed on", assessment.get("assessed_on")),
                ("考评员 Assessors", "、".join(assessment.get("assessors") or [])),
                ("结论 Conclusion", CONCLUSIONS.get(assessment.get("conclusion") or "", assessment.get("conclusion"))),
                ("接收日期 Received on", certificate.received_on),
                ("有效期至 Valid until", certificate.valid_until),
            )),
        ),
        statements=tuple(certificate.statements) + ((f"备注 Remarks：{certificate.remarks}",) if certificate.remarks else ()),
        signatories=lines(("考评员 Assessed by", certificate.signatories.get("assessed_by")),
                          ("批准人 Approved by", certificate.signatories.get("issued_by"))),
        replaces=certificate.replaces,
    )


def _item(certificate: Certificate) -> Section:
    instrument = certificate.instrument
    instrument_type = instrument.get("type") or {}
    return Section("被检/被校器具 Item", lines(
        ("器具名称 Name", instrument.get("name")),
        ("型号规格 Model", instrument.get("model")),
        ("出厂编号 Serial number", instrument.get("serial_number")),
        ("制造单位 Manufacturer", instrument.get("manufacturer")),
        ("测量范围 Range", instrument.get("measuring_range")),
        ("准确度等级 Accuracy class", instrument.get("accuracy_class")),
        *((("强检器具类别 Type", instrument_type.get("name")),) if instrument_type else ()),
    ))


def _work(certificate: Certificate) -> Section:
    method = certificate.method
    environment = certificate.environment
    conditions = f"温度 {environment.get('temperature_c')} ℃，相对湿度 {environment.get('humidity_pct')} %"
    if environment.get("other"):
        conditions += f"，{environment['other']}"
    work: list[tuple[str, object]] = [
        ("依据 Method", f"{method.get('code')} {method.get('title') or ''}".strip()),
        ("接收日期 Received on", certificate.received_on),
        ("检定/校准日期 Performed on", certificate.performed_on),
        ("地点 Location", certificate.location),
        ("环境条件 Conditions", conditions),
    ]
    if certificate.kind != CALIBRATION_CERTIFICATE:
        work.append(("结论 Conclusion", CONCLUSIONS.get(certificate.conclusion or "", certificate.conclusion)))
        if certificate.valid_until:
            work.append(("有效期至 Valid until", certificate.valid_until))
    if certificate.recalibration_date:
        work.append(("建议复校日期 Recalibration (as asked)", certificate.recalibration_date))
    return Section("检定/校准信息 Work", lines(*work))


def _results(certificate: Certificate) -> tuple[Section, ...]:
    results = certificate.results
    if certificate.kind == CALIBRATION_CERTIFICATE:
        adjusted = bool(results.get("adjusted"))
        columns = ("标准值 Reference", *(("调整前 Before",) if adjusted else ()), "示值 Indicated", "示值误差 Error",
                   "U", "k", "包含概率 p", "单位 Unit")
        rows = tuple(
            (point["nominal"], *((point.get("measured_before_adjustment") or "—",) if adjusted else ()),
             point["measured"], point.get("error", "—"), point["expanded_uncertainty"], point["coverage_factor"],
             coverage_probability(point), point["unit"])
            for point in results["points"])
        return (Section("校准结果 Results", table=Table(columns, rows), paragraphs=(
            "示值误差 = 示值 − 标准值；U 为扩展不确定度，k 为包含因子，p 为包含概率。"
            "Error = indicated − reference; U expanded uncertainty with coverage factor k and probability p.",)),)
    table = Table(("检定项目 Item", "检定结果 Result", "符合 Conforms"),
                  tuple((entry["item"], entry["result"], "是 Yes" if entry["conforms"] else "否 No")
                        for entry in results.get("items", [])))
    paragraphs: tuple[str, ...] = ()
    if results.get("accuracy_class_found"):
        paragraphs += (f"实际准确度等级 Accuracy class found：{results['accuracy_class_found']}",)
    if certificate.kind == FAILURE_NOTICE and results.get("failure_reasons"):
        paragraphs += (f"不合格原因 Reasons for failure：{results['failure_reasons']}",)
    return (Section("检定结果 Results", table=table, paragraphs=paragraphs),)


def _traceability(certificate: Certificate) -> Section:
    rows = tuple(
        (standard["name"], f"{standard['model']} / {standard['serial_number']}", standard["uncertainty"],
         standard["calibration_certificate"], standard["calibrated_by"], standard["calibration_valid_until"])
        for standard in certificate.reference_standards)
    return Section("计量溯源性 Traceability", table=Table(
        ("计量标准 Standard", "型号/编号 Model / No.", "不确定度/等级 U / class", "证书号 Certificate",
         "检定/校准机构 By", "有效期至 Valid until"), rows))


def coverage_probability(point: dict[str, Any]) -> str:
    """The coverage probability recorded with a result; 0.95 for k = 2 where none was
    (metrology requires one for any other k)."""
    return str(point.get("coverage_probability") or DEFAULT_COVERAGE_PROBABILITY)


# -- the DCC (calibration certificates only) -------------------------------------------------------
def dcc_content(certificate: Certificate) -> DccContent:
    instrument = certificate.instrument
    environment = certificate.environment
    signatories = certificate.signatories
    kind = kind_of(certificate.kind)
    return DccContent(
        number=certificate.number, title=kind.title, title_en=kind.title_en,
        laboratory_name=certificate.laboratory["name"], laboratory_address=certificate.laboratory.get("address") or "",
        customer_name=certificate.customer["name"], customer_uscc=certificate.customer.get("uscc") or "",
        item_name=instrument.get("name") or "", item_model=instrument.get("model"),
        item_serial_number=instrument.get("serial_number") or "",
        item_manufacturer=instrument.get("manufacturer"), item_range=instrument.get("measuring_range"),
        method_code=certificate.method.get("code") or "", method_title=certificate.method.get("title"),
        received_on=certificate.received_on, performed_on=certificate.performed_on,
        issued_on=issued_on(certificate), location=certificate.location,
        temperature_c=str(environment.get("temperature_c")), humidity_pct=str(environment.get("humidity_pct")),
        points=tuple(DccPoint(nominal=point["nominal"], measured=point["measured"], unit=point["unit"],
                              expanded_uncertainty=point["expanded_uncertainty"],
                              coverage_factor=point["coverage_factor"],
                              coverage_probability=coverage_probability(point), error=point.get("error"),
                              measured_before_adjustment=point.get("measured_before_adjustment"))
                     for point in certificate.results["points"]),
        standards=tuple(DccStandard(name=standard["name"], model=standard["model"],
                                    serial_number=standard["serial_number"], uncertainty=standard["uncertainty"],
                                    certificate=standard["calibration_certificate"],
                                    calibrated_by=standard["calibrated_by"],
                                    valid_until=standard["calibration_valid_until"])
                        for standard in certificate.reference_standards),
        performed_by=signatories.get("performed_by") or "", reviewed_by=signatories.get("reviewed_by") or "",
        approved_by=signatories.get("issued_by") or "",
        statements=tuple(certificate.statements), replaces=certificate.replaces,
        replacement_reason=certificate.correction_reason,
    )


def issued_on(certificate: Certificate | StandardCertificate) -> str:
    """The day of issue, in China."""
    return china_date(datetime.fromisoformat(certificate.issued_at)).isoformat()
