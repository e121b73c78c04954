"""The platform's issuing keys: generations in a directory, newest signs, all verify.

``ISSUING_KEYS_DIR`` holds one sub-directory per key generation, named so that names
sort by age (e.g. ``2026-12-07``), each with ``cert.pem`` (the issuing certificate) and,
while it still signs, ``key.pem`` (its private key, PKCS#8 PEM, unencrypted; mount it
read-only from a secret). The flat form ``<generation>.cert.pem`` and
``<generation>.key.pem`` is read alike (a Kubernetes Secret mounts its keys as files). The newest generation that has a key signs; every
generation's certificate is trusted when a file is checked, so documents signed before
a rotation stay verifiable. To rotate: add a newer generation; later remove the old
``key.pem`` but keep its ``cert.pem`` for as long as its documents may be checked.

In dev mode (``QI_ENV=dev``) a directory with no generation gets one, made on the spot
(a self-signed certificate); outside dev mode a missing key is refused when the service
starts (``provider.IssuingKeysRequired``).
"""

import base64
import os
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..clock import utc_now

KEY_FILE = "key.pem"
CERT_FILE = "cert.pem"
DEV_GENERATION = "dev-0001"


class IssuingKeyMissing(RuntimeError):
    """No generation of the issuing key can sign (or none is there to verify with)."""


@dataclass(frozen=True)
class Generation:
    name: str
    certificate_pem: bytes
    key_pem: bytes | None

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate_pem)


@dataclass(frozen=True)
class IssuingKeys:
    """Every generation in the directory, oldest first."""

    generations: tuple[Generation, ...]

    def signing(self) -> Generation:
        with_key = [generation for generation in self.generations if generation.key_pem]
        if not with_key:
            raise IssuingKeyMissing("no generation of the issuing key has a key.pem")
        return with_key[-1]

    def trusted_certificates(self) -> list[bytes]:
        return [generation.certificate_pem for generation in self.generations]


def load_keys(directory: Path, dev: bool) -> IssuingKeys:
    """The generations in ``directory``; in dev mode a first one is made when there is none."""
    generations = _read(directory)
    if not generations and dev:
        make_generation(directory, DEV_GENERATION, "QI platform issuing key (development)")
        generations = _read(directory)
    if not generations:
        raise IssuingKeyMissing(f"no issuing key generation in {directory} (ISSUING_KEYS_DIR)")
    return IssuingKeys(tuple(generations))


def _read(directory: Path) -> list[Generation]:
    if not directory.is_dir():
        return []
    found = []
    for entry in sorted(path for path in directory.iterdir() if not path.name.startswith(".")):
        if entry.is_dir():
            name, certificate, key = entry.name, entry / CERT_FILE, entry / KEY_FILE
        elif entry.name.endswith(f".{CERT_FILE}"):
            name = entry.name.removesuffix(f".{CERT_FILE}")
            certificate, key = entry, directory / f"{name}.{KEY_FILE}"
        else:
            continue
        if certificate.is_file():
            found.append(Generation(name, _pem(certificate), _pem(key) if key.is_file() else None))
    return sorted(found, key=lambda generation: generation.name)


def _pem(path: Path) -> bytes:
    """A PEM file, or its base64 on one line (how an env file carries it into a Secret)."""
    data = path.read_bytes().strip()
    return data if data.startswith(b"-----BEGIN") else base64.b64decode(data)


def make_generation(directory: Path, name: str, common_name: str, years: int = 20) -> Path:
    """A new generation: an ECDSA P-256 key (signing with it costs milliseconds, where
    loading an RSA key for each signature costs a tenth of a second) and a self-signed
    certificate for document signing. Written aside and renamed into place, so processes
    starting together make one."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    if target.exists():
        return target
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "QI one-stop service platform"),
                         x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = utc_now()  # the wall clock even in tests: X.509 validity is checked against it
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    aside = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=directory))
    key_file = aside / KEY_FILE
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    os.chmod(key_file, 0o600)
    (aside / CERT_FILE).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    try:
        aside.rename(target)
    except OSError:  # another process made it first: theirs stands
        for file in aside.iterdir():
            file.unlink()
        aside.rmdir()
    return target
