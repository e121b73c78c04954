"""What one issued document says, as it is printed: pure data, built by the issuing
service's domain from its own record (``services/<service>/domain/documents.py``).

The order follows ISO/IEC 17025 §7.8.2-7.8.4 (laboratories) and ISO/IEC 17021-1 §8.2
(certification bodies): title, issuer and address, the unique number (on every page),
customer, the item, method, dates, results (with U and k, or a verdict and the decision
rule), conditions, traceability, statements, the people who performed, reviewed and
approved, and for a new version which one it replaces and why.
"""

from dataclasses import dataclass, field

from .kinds import kind_of


@dataclass(frozen=True)
class Line:
    """A labelled value: ``委托方 Customer`` → ``宿迁市测试精密机械有限公司``."""

    label: str
    value: str


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[Line, ...] = ()
    table: Table | None = None
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Party:
    name: str
    address: str | None = None
    identifier: str | None = None  # a credit code, an accreditation or authorization
    role: str = "委托方 Customer"  # as the document names it: a holder is not a customer


@dataclass(frozen=True)
class DocumentContent:
    number: str
    kind: str
    edition: int  # 0 unless the issuer changes a document in place (certification's scope, renewal)
    request_code: str
    issuer: Party
    customer: Party
    issued_on: str
    sections: tuple[Section, ...]
    statements: tuple[str, ...] = ()
    signatories: tuple[Line, ...] = ()
    replaces: str | None = None
    replacement_reason: str | None = None
    footnote: str | None = None  # e.g. a certificate's validity and surveillance
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return kind_of(self.kind).title

    @property
    def title_en(self) -> str:
        return kind_of(self.kind).title_en

    def identity(self) -> dict[str, str | int]:
        """What a signed file says it is, read back when it is checked."""
        return {"number": self.number, "kind": self.kind, "edition": self.edition}


def line(label: str, value: object) -> Line:
    """A line whose missing value prints as a dash."""
    return Line(label, "—" if value in (None, "") else str(value))


def lines(*pairs: tuple[str, object]) -> tuple[Line, ...]:
    return tuple(line(label, value) for label, value in pairs)
