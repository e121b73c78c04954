"""Signing a document with the platform's issuing key, and checking a file's signature.

* A PDF gets a PAdES signature (pyHanko, ``ETSI.CAdES.detached``) over the whole file.
* A DCC gets an *enveloping* XML signature (signxml): a ``ds:Signature`` whose
  ``ds:Object`` holds the DCC. DCC 3.1.2 has no place for an enveloped signature that
  its schema accepts, so the DCC itself is served as it is (``….xml``, valid against
  PTB's schema) and the signed file (``….signed.xml``) carries that same DCC inside its
  signature: one file that proves itself, which a verifier uploads alone.

A file is genuine when its signature is intact, covers all of it, and was made by one
of the platform's key generations; what document it is is read from the signed part
only (the PDF's keywords, the DCC's unique identifier), never from unsigned bytes.
"""

import io
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from lxml import etree

from .dcc import unique_identifier
from .keys import Generation

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
XMLDSIG = "http://www.w3.org/2000/09/xmldsig#"
SIGNATURE_FIELD = "QIIssuingSignature"


@dataclass(frozen=True)
class Verdict:
    """What a file says of itself once checked: ``genuine`` only if it is signed by the
    platform and unaltered; ``reason`` says why not; ``identity`` is the signed number,
    kind and edition."""

    genuine: bool
    format: str  # pdf, xml, or unknown
    reason: str | None = None
    identity: dict[str, Any] = field(default_factory=dict)
    signed_by: str | None = None  # the key generation
    signed_at: str | None = None


def _certificate(pem_bytes: bytes) -> asn1_x509.Certificate:
    _, _, der = pem.unarmor(pem_bytes)
    return asn1_x509.Certificate.load(der)


# -- signing --------------------------------------------------------------------------------------
def sign_pdf(pdf: bytes, generation: Generation, reason: str, location: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES, reason=reason,
                                            location=location, name=generation.name)
    signed: bytes = signers.sign_pdf(writer, metadata, signer=_pdf_signer(generation)).getvalue()
    return signed


@lru_cache(maxsize=8)
def _pdf_signer(generation: Generation) -> Any:
    """The generation's key and certificate, loaded once (a key's checks take time)."""
    from pyhanko.keys import load_private_key_from_pemder_data
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    assert generation.key_pem is not None
    return signers.SimpleSigner(
        signing_cert=_certificate(generation.certificate_pem),
        signing_key=load_private_key_from_pemder_data(generation.key_pem, None),
        cert_registry=SimpleCertificateStore())  # type: ignore[no-untyped-call]


def sign_xml(xml: bytes, generation: Generation) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from signxml import methods
    from signxml.algorithms import SignatureMethod
    from signxml.signer import XMLSigner

    assert generation.key_pem is not None
    key = load_pem_private_key(generation.key_pem, None)
    algorithm = (SignatureMethod.ECDSA_SHA256 if isinstance(key, EllipticCurvePrivateKey)
                 else SignatureMethod.RSA_SHA256)
    root = etree.fromstring(xml)
    signature = XMLSigner(method=methods.enveloping, signature_algorithm=algorithm, digest_algorithm="sha256").sign(
        root, key=generation.key_pem, cert=generation.certificate_pem.decode())
    signed: bytes = etree.tostring(signature, xml_declaration=True, encoding="UTF-8")
    return signed


# -- checking -------------------------------------------------------------------------------------
def check_file(data: bytes, trusted: Sequence[Generation]) -> Verdict:
    """Whether ``data`` is a document the platform signed, unaltered, and which."""
    if data.startswith(PDF_MAGIC):
        return _check_pdf(data, trusted)
    if data.lstrip()[:1] == b"<":
        return _check_xml(data, trusted)
    return Verdict(False, "unknown", "unsupported_file")


def _check_pdf(data: bytes, trusted: Sequence[Generation]) -> Verdict:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return Verdict(False, "pdf", "not_signed")
        signature = signatures[-1]
        context = ValidationContext(trust_roots=[_certificate(each.certificate_pem) for each in trusted],
                                    allow_fetching=False)
        status = validate_pdf_signature(signature, context)
        if not (status.intact and status.valid):
            return Verdict(False, "pdf", "altered")
        if not status.trusted:
            return Verdict(False, "pdf", "not_ours")
        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE or not _unsigned_bytes_untouched(signature, trusted):
            return Verdict(False, "pdf", "altered")
        signed_by = _generation_of(status.signing_cert, trusted)
        if signed_by is None:  # the certificate in the file is not, byte for byte, one of ours
            return Verdict(False, "pdf", "altered")
        identity = json.loads(str(reader.trailer["/Info"].get("/Keywords") or "{}"))
        signed_at = status.signer_reported_dt.isoformat() if status.signer_reported_dt else None
        return Verdict(True, "pdf", identity=identity, signed_by=signed_by, signed_at=signed_at)
    except (SignatureValidationError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        log.info("a PDF that does not check: %s: %s", type(exc).__name__, exc)
        return Verdict(False, "pdf", "altered")
    except Exception as exc:  # noqa: BLE001 - a damaged file may break the parser anywhere
        log.info("a PDF that cannot be read: %s: %s", type(exc).__name__, exc)
        return Verdict(False, "pdf", "altered")


def _unsigned_bytes_untouched(signature: Any, trusted: Sequence[Generation]) -> bool:
    """The bytes of a signed PDF that no digest covers are as written: the placeholder
    after the CMS structure is zeros, and every certificate the structure carries is, byte
    for byte, one of the platform's (a certificate is not itself part of what is signed)."""
    from asn1crypto import cms

    contents = bytes(signature.sig_object["/Contents"])
    structure = cms.ContentInfo.load(contents, strict=False)
    if contents[len(structure.dump()):].strip(b"\x00"):
        return False
    signed_data = structure["content"]
    signers = signed_data["signer_infos"]
    if len(signers) != 1:
        return False
    signer = signers[0]
    ours = {_certificate(generation.certificate_pem).dump() for generation in trusted}
    carried = signed_data["certificates"]
    # What the CMS says besides the signed attributes and the signature, as pyHanko writes it.
    return (all(choice.chosen.dump() in ours for choice in (carried if carried.native is not None else []))
            and signed_data["version"].native == "v1" and signer["version"].native == "v1"
            and [each.dump() for each in signed_data["digest_algorithms"]] == [signer["digest_algorithm"].dump()]
            and signed_data["encap_content_info"]["content_type"].native == "data"
            and signed_data["encap_content_info"]["content"].native is None
            and signed_data["crls"].native is None and signer["unsigned_attrs"].native is None)


def _check_xml(data: bytes, trusted: Sequence[Generation]) -> Verdict:
    from signxml.exceptions import InvalidInput, InvalidSignature
    from signxml.verifier import XMLVerifier

    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return Verdict(False, "xml", "altered")
    if etree.QName(root).localname != "Signature":
        return Verdict(False, "xml", "not_signed")
    for generation in trusted:
        pem_bytes = generation.certificate_pem
        try:
            result = XMLVerifier().verify(data, x509_cert=pem_bytes.decode(), expect_references=1)
        except InvalidSignature as exc:
            reason = "altered" if "Digest mismatch" in str(exc) or "Signature verification failed" in str(exc) else None
            if reason and _signed_with(root, pem_bytes):
                return Verdict(False, "xml", reason)
            continue
        except (InvalidInput, ValueError, etree.LxmlError):
            return Verdict(False, "xml", "altered")
        except Exception as exc:  # noqa: BLE001 - a damaged file may break the verifier anywhere
            log.info("a signed XML that cannot be checked: %s: %s", type(exc).__name__, exc)
            return Verdict(False, "xml", "altered")
        if not _as_written(data, root, pem_bytes):
            return Verdict(False, "xml", "altered")
        signed = result.signed_xml if not isinstance(result, list) else None
        dcc = signed[0] if signed is not None and len(signed) else None
        number = unique_identifier(dcc) if dcc is not None else None
        if number is None:
            return Verdict(False, "xml", "not_a_dcc")
        return Verdict(True, "xml", identity={"number": number, "kind": "calibration_certificate", "edition": 0},
                       signed_by=generation.name)
    return Verdict(False, "xml", "not_ours")


def _as_written(data: bytes, root: Any, pem_bytes: bytes) -> bool:
    """The parts of a signed DCC that no digest covers are exactly as the platform writes
    them: the XML declaration and quoting (the file is what lxml writes of its own tree),
    the signature value without whitespace, and the certificate as it was embedded."""
    if etree.tostring(root, xml_declaration=True, encoding="UTF-8") != data:
        return False
    value = root.find(f"{{{XMLDSIG}}}SignatureValue")
    embedded = root.find(f".//{{{XMLDSIG}}}X509Certificate")
    body = "".join(f"{line}\n" for line in pem_bytes.decode().strip().splitlines()[1:-1])
    return (value is not None and value.text == "".join((value.text or "").split())
            and embedded is not None and embedded.text == body)


def _signed_with(root: Any, pem_bytes: bytes) -> bool:
    """Whether the signature names this certificate (so a failure means the file changed)."""
    embedded = root.find(".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate")
    if embedded is None or not embedded.text:
        return False
    return "".join(embedded.text.split()) == "".join(
        line for line in pem_bytes.decode().splitlines() if not line.startswith("-----"))


def _generation_of(certificate: Any, trusted: Sequence[Generation]) -> str | None:
    for generation in trusted:
        if _certificate(generation.certificate_pem).dump() == certificate.dump():
            return generation.name
    return None
