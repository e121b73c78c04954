"""A certification certificate as it is printed, built from the certification record.

ISO/IEC 17021-1 §8.2.2 (management systems) and ISO/IEC 17065 §7.7 (products): the
certified client and its sites, the scope, the standards audited against, the dates of
grant and expiry, the unique number, the certification body's name and address, and
the edition when the certificate was changed (scope reduced, renewed), with the
surveillance that keeps it valid.
"""

from typing import Any

from ...common.documents.content import DocumentContent, Party, Section, lines
from .certificate import Certificate
from .model import MANAGEMENT_SYSTEM, Certification

SCHEMES = {MANAGEMENT_SYSTEM: "管理体系认证 Management system certification",
           "RZ01": "产品认证 Product certification"}


def printed(certification: Certification, body: dict[str, Any]) -> DocumentContent:
    certificate = certification.certificate
    assert certificate is not None
    decision = certification.decision or {}
    return DocumentContent(
        number=certificate.number, kind=certificate.kind, edition=certificate.edition,
        request_code=certification.request_code,
        issuer=Party(body.get("name") or certificate.issuer, body.get("address"), body.get("approval")),
        customer=Party(certificate.holder, identifier=certificate.uscc or None, role="获证组织 Certified organization"),
        issued_on=certificate.issued_on,
        sections=(_certified(certification, certificate), _validity(certificate)),
        statements=(
            f"兹证明 {certificate.holder} 的{'管理体系' if certification.item == MANAGEMENT_SYSTEM else '产品'}"
            f"符合 {'、'.join(certificate.standards) or '认证依据'} 的要求，认证范围如上。",
            "本证书在有效期内须通过监督审核保持有效；证书状态（有效、暂停、撤销、过期）以平台核验结果为准。",
            "The certificate stays valid through surveillance audits; its status is as the platform's verification says.",
        ),
        signatories=lines(("认证决定 Decision by", decision.get("operator") or "认证机构 The certification body"),
                          ("决定日期 Decided on", certificate.issued_on)),
        footnote=_footnote(certificate),
    )


def _certified(certification: Certification, certificate: Certificate) -> Section:
    return Section("认证信息 Certification", lines(
        ("获证组织 Certified client", certificate.holder),
        ("统一社会信用代码 Credit code", certificate.uscc),
        ("认证类别 Scheme", SCHEMES.get(certification.item, certification.item)),
        ("认证依据 Standards", "；".join(certificate.standards)),
        ("认证范围 Scope", certificate.scope),
        ("覆盖场所 Sites", "；".join(certificate.sites)),
    ))


def _validity(certificate: Certificate) -> Section:
    planned = [visit["due"] for visit in certificate.surveillance if visit["status"] == "planned"]
    return Section("有效期 Validity", lines(
        ("颁证日期 Granted on", certificate.issued_on),
        ("有效期至 Valid until", certificate.valid_until),
        ("认证周期 Cycle", certificate.cycle),
        ("证书版次 Edition", certificate.edition),
        ("下次监督审核 Next surveillance due", planned[0] if planned else "—"),
    ))


def _footnote(certificate: Certificate) -> str | None:
    if certificate.edition <= 1:
        return None
    return (f"本证书为第 {certificate.edition} 版（认证范围变更或再认证后换发），此前各版作废。"
            f"Edition {certificate.edition}: issued after a change of scope or a renewal; earlier editions are void.")
