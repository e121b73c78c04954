"""Every kind of document the platform issues, and the states a copy may be stamped with.

A kind is named by the issuing service's own record (``Certificate.kind``,
``Report.kind``); this table gives its printed title in both languages and the formats it
is issued in. A new kind (e.g. 计量标准考核证书) is one entry here plus the content
builder of the service that issues it.
"""

from dataclasses import dataclass

PDF = "pdf"
DCC = "xml"  # the DCC as PTB's schema defines it
SIGNED_DCC = "signed.xml"  # the same DCC inside an enveloping XML signature
FORMATS = (PDF, DCC, SIGNED_DCC)
MEDIA_TYPES = {PDF: "application/pdf", DCC: "application/xml", SIGNED_DCC: "application/xml"}


@dataclass(frozen=True)
class DocumentKind:
    title: str  # as printed, zh-CN
    title_en: str
    formats: tuple[str, ...] = (PDF,)


KINDS: dict[str, DocumentKind] = {
    # metrology (JJF 1069 practice; JJF 1071 for calibration certificates)
    "verification_certificate": DocumentKind("检定证书", "Verification Certificate"),
    "verification_failure_notice": DocumentKind("检定结果通知书", "Notice of Verification Result"),
    "calibration_certificate": DocumentKind("校准证书", "Calibration Certificate", (PDF, DCC, SIGNED_DCC)),
    # metrology's assessment of an organisation's measurement standard (JJF 1033)
    "measurement_standard_certificate": DocumentKind("计量标准考核证书", "Measurement Standard Certificate"),
    # testing (ISO/IEC 17025 §7.8)
    "test_report": DocumentKind("检验检测报告", "Test Report"),
    "rapid_test_report": DocumentKind("快速检测结果报告", "Rapid Test Report"),
    # certification (ISO/IEC 17021-1 §8.2, ISO/IEC 17065 §7.7)
    "product_certificate": DocumentKind("产品认证证书", "Product Certification Certificate"),
    "management_system_certificate": DocumentKind("管理体系认证证书", "Management System Certificate"),
}

# What a copy of a document that no longer stands says across every page (the signed
# original never changes; a copy downloaded later carries the state of that day).
STAMPS: dict[str, tuple[str, str]] = {
    "superseded": ("已被替代", "SUPERSEDED"),
    "withdrawn": ("已撤销", "WITHDRAWN"),
    "suspended": ("已暂停", "SUSPENDED"),
    "expired": ("已过期", "EXPIRED"),
}
# States in which the document stands: its signed original is served as it is.
STANDING = ("current", "valid")


def kind_of(kind: str) -> DocumentKind:
    return KINDS[kind]


def issued_as(kind: str, fmt: str) -> bool:
    """Whether documents of this kind are issued in this format."""
    return kind in KINDS and fmt in KINDS[kind].formats
