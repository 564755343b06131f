"""The mirror's manifest and its signature.

The manifest is in the format ``sha256sum`` writes and reads (``<digest>  <path>``, one
file a line, sorted), so a reader checks a copy with ``sha256sum -c``; the signature is a
raw Ed25519 signature of the manifest's bytes, which ``openssl pkeyutl -verify -rawin``
checks against the public key written beside it (README, "Static mirror").
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MANIFEST = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.sig"
PUBLIC_KEY = "mirror-public-key.pem"
# Written after the manifest, so not listed in it.
UNLISTED = {MANIFEST, SIGNATURE}


class SigningKeyError(ValueError):
    pass


def digest(data):
    return hashlib.sha256(data).hexdigest()


def file_digest(path):
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def manifest_text(digests):
    return "".join(f"{digests[name]}  {name}\n" for name in sorted(digests))


def read_manifest(folder):
    """{path: digest} of the manifest in ``folder``, or None when there is none."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        return None
    digests = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        value, _sep, name = line.partition("  ")
        digests[name] = value
    return digests


def generate_key(path):
    """Write a new Ed25519 private key to ``path`` (PKCS#8 PEM, readable by its owner only),
    refusing to replace one."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with open(path, "xb") as file:
        Path(path).chmod(0o600)
        file.write(pem)
    return key


def load_private_key(path):
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise SigningKeyError(f"cannot read the signing key {path}: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 private key")
    return key


def public_pem(key):
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def fingerprint(public_key):
    """SHA-256 of the public key's DER form: what ``openssl pkey -pubin -outform DER |
    sha256sum`` prints, to compare with the fingerprint the site publishes."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return digest(der)


def load_public_key(path):
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as error:
        raise SigningKeyError(f"cannot read the public key {path}: {error}") from error
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{path} is not an Ed25519 public key")
    return key


@dataclass
class Verification:
    public_key: Ed25519PublicKey | None = None
    signature_ok: bool = False
    missing: list = field(default_factory=list)
    extra: list = field(default_factory=list)
    altered: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return self.signature_ok and not (
            self.missing or self.extra or self.altered or self.problems
        )


def verify(folder, public_key_path=None):
    """Check the signature of the manifest (with the key at ``public_key_path``, or the one
    in the mirror) and every file against it."""
    folder = Path(folder)
    result = Verification()
    digests = read_manifest(folder)
    if digests is None:
        result.problems.append(f"no {MANIFEST} in {folder}")
        return result
    try:
        result.public_key = load_public_key(public_key_path or folder / PUBLIC_KEY)
        result.public_key.verify(
            (folder / SIGNATURE).read_bytes(), (folder / MANIFEST).read_bytes()
        )
        result.signature_ok = True
    except SigningKeyError as error:
        result.problems.append(str(error))
    except (OSError, InvalidSignature):
        result.problems.append(f"the signature {SIGNATURE} does not match {MANIFEST}")
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    result.missing = sorted(set(digests) - present)
    result.extra = sorted(present - set(digests) - UNLISTED)
    result.altered = sorted(
        name for name in set(digests) & present if file_digest(folder / name) != digests[name]
    )
    return result
