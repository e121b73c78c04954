"""A calibration certificate as a Digital Calibration Certificate: PTB's DCC 3.1.2 XML
with D-SI 2.1.0 quantities (``si:real`` with ``si:expandedUnc``: value, unit in D-SI
notation, U, k and coverage probability), text in Chinese and English.

Every DCC written here is checked against PTB's schemas before it leaves
(``validate_dcc``; the schemas ship in ``data/dcc``, loaded offline), so no DCC the
platform hands out can be invalid.
"""

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lxml import etree

from .units import d_si

DCC_NS = "https://ptb.de/dcc"
SI_NS = "https://ptb.de/si"
SCHEMA_VERSION = "3.1.2"
SOFTWARE = ("QI one-stop service platform 质量基础设施一站式服务平台", "1.0")
NSMAP = {"dcc": DCC_NS, "si": SI_NS}


@dataclass(frozen=True)
class DccPoint:
    nominal: str
    measured: str
    unit: str  # as metrology accepted it (units.ACCEPTED_UNITS)
    expanded_uncertainty: str
    coverage_factor: str
    coverage_probability: str
    error: str | None = None
    measured_before_adjustment: str | None = None


@dataclass(frozen=True)
class DccStandard:
    name: str
    model: str
    serial_number: str
    uncertainty: str
    certificate: str
    calibrated_by: str
    valid_until: str


@dataclass(frozen=True)
class DccContent:
    number: str
    title: str
    title_en: str
    laboratory_name: str
    laboratory_address: str
    customer_name: str
    customer_uscc: str
    item_name: str
    item_model: str | None
    item_serial_number: str
    item_manufacturer: str | None
    item_range: str | None
    method_code: str
    method_title: str | None
    received_on: str
    performed_on: str
    issued_on: str
    location: str
    temperature_c: str
    humidity_pct: str
    points: tuple[DccPoint, ...]
    standards: tuple[DccStandard, ...]
    performed_by: str
    reviewed_by: str
    approved_by: str
    statements: tuple[str, ...] = ()
    replaces: str | None = None
    replacement_reason: str | None = None


class DccInvalid(ValueError):
    """A DCC that PTB's schemas refuse."""


# -- writing ----------------------------------------------------------------------------------------
def write_dcc(content: DccContent) -> bytes:
    """The DCC of a calibration certificate, as UTF-8 XML, checked against the schemas."""
    root = _el("dcc", "digitalCalibrationCertificate", nsmap=NSMAP, schemaVersion=SCHEMA_VERSION)
    root.append(_administrative_data(content))
    root.append(_measurement_results(content))
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    validate_dcc(xml)
    return xml


def _el(prefix: str, name: str, text: str | None = None, nsmap: dict[str, str] | None = None,
        **attributes: str) -> Any:
    element = etree.Element(f"{{{NSMAP[prefix]}}}{name}", nsmap=nsmap, **attributes)
    if text is not None:
        element.text = text
    return element


def _sub(parent: Any, prefix: str, name: str, text: str | None = None, **attributes: str) -> Any:
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", **attributes)
    if text is not None:
        element.text = text
    return element


def _text(parent: Any, name: str, zh: str, en: str | None = None) -> Any:
    """A dcc:textType element: the Chinese text, and the English one where there is one."""
    element = _sub(parent, "dcc", name)
    _sub(element, "dcc", "content", zh, lang="zh")
    if en:
        _sub(element, "dcc", "content", en, lang="en")
    return element


def _administrative_data(content: DccContent) -> Any:
    data = _el("dcc", "administrativeData")
    software = _sub(_sub(data, "dcc", "dccSoftware"), "dcc", "software")
    _text(software, "name", SOFTWARE[0])
    _sub(software, "dcc", "release", SOFTWARE[1])

    core = _sub(data, "dcc", "coreData")
    _sub(core, "dcc", "countryCodeISO3166_1", "CN")
    _sub(core, "dcc", "usedLangCodeISO639_1", "zh")
    _sub(core, "dcc", "usedLangCodeISO639_1", "en")
    _sub(core, "dcc", "mandatoryLangCodeISO639_1", "zh")
    _sub(core, "dcc", "uniqueIdentifier", content.number)
    _sub(core, "dcc", "receiptDate", content.received_on)
    _sub(core, "dcc", "beginPerformanceDate", content.performed_on)
    _sub(core, "dcc", "endPerformanceDate", content.performed_on)
    _sub(core, "dcc", "performanceLocation", "laboratory")

    item = _sub(_sub(data, "dcc", "items"), "dcc", "item")
    _text(item, "name", content.item_name)
    if content.item_range:
        description = _sub(item, "dcc", "description")
        _sub(description, "dcc", "content", f"测量范围 {content.item_range}", lang="zh")
        _sub(description, "dcc", "content", f"Measuring range {content.item_range}", lang="en")
    _text(_sub(item, "dcc", "manufacturer"), "name", content.item_manufacturer or "—")
    if content.item_model:
        _sub(item, "dcc", "model", content.item_model)
    identification = _sub(_sub(item, "dcc", "identifications"), "dcc", "identification")
    _sub(identification, "dcc", "issuer", "manufacturer")
    _sub(identification, "dcc", "value", content.item_serial_number)
    _text(identification, "name", "出厂编号", "Serial number")

    laboratory = _sub(_sub(data, "dcc", "calibrationLaboratory"), "dcc", "contact")
    _text(laboratory, "name", content.laboratory_name)
    _sub(laboratory, "dcc", "eMail", "")
    _location(laboratory, content.laboratory_address)

    persons = _sub(data, "dcc", "respPersons")
    for name, role, role_en, main in ((content.performed_by, "校准员", "Calibrated by", False),
                                      (content.reviewed_by, "核验员", "Checked by", False),
                                      (content.approved_by, "批准人", "Approved by", True)):
        person = _sub(persons, "dcc", "respPerson")
        _text(_sub(person, "dcc", "person"), "name", name or "—")
        _sub(person, "dcc", "role", f"{role} {role_en}")
        if main:
            _sub(person, "dcc", "mainSigner", "true")
            _sub(person, "dcc", "cryptElectronicSignature", "true")

    customer = _sub(data, "dcc", "customer")
    _text(customer, "name", content.customer_name)
    _sub(customer, "dcc", "eMail", "")
    location = _sub(customer, "dcc", "location")
    _sub(location, "dcc", "countryCode", "CN")
    _text(location, "further", f"统一社会信用代码 {content.customer_uscc}", f"Unified social credit code {content.customer_uscc}")

    statements = _sub(data, "dcc", "statements")
    issued = _sub(statements, "dcc", "statement")
    _declaration(issued, "签发日期", "Date of issue")
    _sub(issued, "dcc", "date", content.issued_on)
    if content.replaces:
        replaced = _sub(statements, "dcc", "statement")
        reason = f"；原因：{content.replacement_reason}" if content.replacement_reason else ""
        _declaration(replaced, f"本证书替代证书 {content.replaces}{reason}",
                     f"This certificate replaces {content.replaces}")
    for text in content.statements:
        statement = _sub(statements, "dcc", "statement")
        _declaration(statement, text)
    traceable = _sub(statements, "dcc", "statement")
    _sub(traceable, "dcc", "traceable", "true")
    _declaration(traceable, "测量结果溯源至国家计量基准。", "The results are traceable to the national measurement standards.")
    return data


def _declaration(statement: Any, zh: str, en: str | None = None) -> None:
    declaration = _sub(statement, "dcc", "declaration")
    _sub(declaration, "dcc", "content", zh, lang="zh")
    if en:
        _sub(declaration, "dcc", "content", en, lang="en")


def _location(contact: Any, address: str) -> None:
    location = _sub(contact, "dcc", "location")
    _sub(location, "dcc", "countryCode", "CN")
    if address:
        _sub(location, "dcc", "street", address)


def _measurement_results(content: DccContent) -> Any:
    results = _el("dcc", "measurementResults")
    result = _sub(results, "dcc", "measurementResult")
    _text(result, "name", "校准结果", "Calibration results")
    method = _sub(_sub(result, "dcc", "usedMethods"), "dcc", "usedMethod")
    _text(method, "name", content.method_title or content.method_code, content.method_code)
    _sub(method, "dcc", "norm", content.method_code)
    if content.standards:
        equipment = _sub(result, "dcc", "measuringEquipments")
        for standard in content.standards:
            _standard(_sub(equipment, "dcc", "measuringEquipment"), standard)
    conditions = _sub(result, "dcc", "influenceConditions")
    for name, name_en, value, unit in (("温度", "Temperature", content.temperature_c, "℃"),
                                       ("相对湿度", "Relative humidity", content.humidity_pct, "%")):
        condition = _sub(conditions, "dcc", "influenceCondition")
        _text(condition, "name", name, name_en)
        _quantity(_sub(condition, "dcc", "data"), None, None, value, unit)
    listing = _sub(result, "dcc", "results")
    for index, point in enumerate(content.points, 1):
        entry = _sub(listing, "dcc", "result")
        _text(entry, "name", f"校准点 {index}", f"Calibration point {index}")
        values = _sub(_sub(entry, "dcc", "data"), "dcc", "list")
        _quantity(values, "标准值", "Reference value", point.nominal, point.unit, ref_type="basic_referenceValue")
        if point.measured_before_adjustment is not None:
            _quantity(values, "调整前示值", "Indicated value before adjustment", point.measured_before_adjustment,
                      point.unit, point, ref_type="basic_measuredValue")
        _quantity(values, "示值", "Indicated value", point.measured, point.unit, point, ref_type="basic_measuredValue")
        if point.error is not None:
            _quantity(values, "示值误差", "Error of indication", point.error, point.unit, point,
                      ref_type="basic_measurementError")
    return results


def _standard(element: Any, standard: DccStandard) -> None:
    _text(element, "name", standard.name)
    description = _sub(element, "dcc", "description")
    _sub(description, "dcc", "content",
         f"{standard.uncertainty}；证书号 {standard.certificate}，{standard.calibrated_by}，有效期至 {standard.valid_until}",
         lang="zh")
    _sub(description, "dcc", "content",
         f"{standard.uncertainty}; certificate {standard.certificate} by {standard.calibrated_by}, "
         f"valid until {standard.valid_until}", lang="en")
    _sub(element, "dcc", "model", standard.model)
    identification = _sub(_sub(element, "dcc", "identifications"), "dcc", "identification")
    _sub(identification, "dcc", "issuer", "manufacturer")
    _sub(identification, "dcc", "value", standard.serial_number)


def _quantity(parent: Any, name: str | None, name_en: str | None, value: str, unit: str,
              uncertainty: DccPoint | None = None, ref_type: str | None = None) -> None:
    quantity = _sub(parent, "dcc", "quantity", **({"refType": ref_type} if ref_type else {}))
    if name:
        _text(quantity, "name", name, name_en)
    real = _sub(quantity, "si", "real")
    _sub(real, "si", "value", value)
    _sub(real, "si", "unit", d_si(unit))
    if uncertainty is not None:
        expanded = _sub(real, "si", "expandedUnc")
        _sub(expanded, "si", "uncertainty", uncertainty.expanded_uncertainty)
        _sub(expanded, "si", "coverageFactor", uncertainty.coverage_factor)
        _sub(expanded, "si", "coverageProbability", uncertainty.coverage_probability)


# -- checking -----------------------------------------------------------------------------------------
@cache
def _schema() -> Any:
    import xmlschema  # loaded once, when the first DCC is written or checked

    folder = resources.files(__package__) / "data" / "dcc"
    with resources.as_file(folder) as path:
        return xmlschema.XMLSchema(str(path / "dcc-3.1.2.xsd"),
                                   locations={SI_NS: str(path / "SI_Format-2.1.0.xsd")})


def validate_dcc(xml: bytes) -> None:
    """DccInvalid unless PTB's DCC 3.1.2 schema (with D-SI 2.1.0) accepts ``xml``."""
    schema = _schema()
    errors = list(schema.iter_errors(etree.fromstring(xml)))
    if errors:
        raise DccInvalid("; ".join(str(error.reason or error) for error in errors[:5]))


def unique_identifier(root: Any) -> str | None:
    """The certificate number a DCC carries (``coreData/uniqueIdentifier``)."""
    found = root.find(f".//{{{DCC_NS}}}coreData/{{{DCC_NS}}}uniqueIdentifier")
    return None if found is None else str(found.text or "").strip() or None
