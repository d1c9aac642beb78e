"""Signature algorithms: SM2 with SM3 (GB/T 32918 / GB/T 38540) through Tongsuo, and Ed25519 for verifying
certificates signed by a deployment that had no SM2 library.

Why Tongsuo (``tongsuopy``): it is the OpenAtom Foundation's maintained fork of OpenSSL with the national
algorithms, and its Python SDK ships a compiled, self-contained wheel (Tongsuo linked in) that installs on a
bare machine; its signatures carry Z_A (the default user id ``1234567812345678``), so other SM2 implementations
verify them (checked against ``gmssl`` once, see docs/architecture.md). Pure-Python SM2 is not a signer here.

A key is named by its ``key_id``: the first 16 hex digits of the digest of its public key (SubjectPublicKeyInfo,
DER). Every certificate records its algorithm and key id, so keys rotate and old certificates keep verifying.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization as c_serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from tongsuopy.crypto import hashes as t_hashes
from tongsuopy.crypto import serialization as t_serialization
from tongsuopy.crypto.asymciphers import ec as t_ec
from tongsuopy.crypto.exceptions import InternalError as TongsuoInternalError
from tongsuopy.crypto.exceptions import InvalidSignature as TongsuoInvalidSignature

from onestop.certs.errors import CertError
from onestop.choices import ChoiceSet

KEY_ID_HEX = 16


class Algorithm(ChoiceSet, verbose_name="签名算法"):
    SM2_SM3 = "SM2-SM3", "SM2 签名 / SM3 摘要（GB/T 38540）", "red"
    ED25519 = "Ed25519", "Ed25519", "blue"


DEFAULT_ALGORITHM = Algorithm.SM2_SM3


def digest(algorithm: Algorithm, data: bytes) -> bytes:
    """The algorithm's own hash: SM3 for SM2 keys, SHA-256 for Ed25519 ones."""
    if algorithm is Algorithm.SM2_SM3:
        hasher = t_hashes.Hash(t_hashes.SM3())
        hasher.update(data)
        return bytes(hasher.finalize())
    return hashlib.sha256(data).digest()


class _Verifier(Protocol):
    def __call__(self, signature: bytes, message: bytes) -> bool: ...


@dataclass(frozen=True)
class PublicKey:
    """What verification needs: public data only (the ``cert_keys`` table holds these)."""

    key_id: str
    algorithm: Algorithm
    pem: str
    _verify: _Verifier = field(repr=False, compare=False)

    def verify(self, signature: bytes, message: bytes) -> bool:
        return self._verify(signature, message)


@dataclass(frozen=True)
class PrivateKey:
    key_id: str
    algorithm: Algorithm
    _key: Any = field(repr=False, compare=False)  # the library's private key object

    def sign(self, message: bytes) -> bytes:
        if self.algorithm is Algorithm.SM2_SM3:
            return bytes(self._key.sign(message, t_ec.ECDSA(t_hashes.SM3())))
        key: Ed25519PrivateKey = self._key
        return key.sign(message)

    def private_pem(self) -> bytes:
        """PKCS#8 PEM, unencrypted: the key store protects it by file mode and location, never the database."""
        if self.algorithm is Algorithm.SM2_SM3:
            return bytes(
                self._key.private_bytes(
                    t_serialization.Encoding.PEM,
                    t_serialization.PrivateFormat.PKCS8,
                    t_serialization.NoEncryption(),
                )
            )
        key: Ed25519PrivateKey = self._key
        return key.private_bytes(
            c_serialization.Encoding.PEM, c_serialization.PrivateFormat.PKCS8, c_serialization.NoEncryption()
        )

    def public_key(self) -> PublicKey:
        return load_public_key(self.algorithm, self.public_pem())

    def public_pem(self) -> str:
        if self.algorithm is Algorithm.SM2_SM3:
            raw = self._key.public_key().public_bytes(
                t_serialization.Encoding.PEM, t_serialization.PublicFormat.SubjectPublicKeyInfo
            )
            return bytes(raw).decode("ascii")
        key: Ed25519PrivateKey = self._key
        return (
            key.public_key()
            .public_bytes(c_serialization.Encoding.PEM, c_serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode("ascii")
        )


def generate_key(algorithm: Algorithm = DEFAULT_ALGORITHM) -> PrivateKey:
    if algorithm is Algorithm.SM2_SM3:
        key: Any = t_ec.generate_private_key(t_ec.SM2())
    else:
        key = Ed25519PrivateKey.generate()
    return _private(algorithm, key)


def load_private_key(algorithm: Algorithm, pem: bytes) -> PrivateKey:
    if algorithm is Algorithm.SM2_SM3:
        key: Any = t_serialization.load_pem_private_key(pem, password=None)
    else:
        key = c_serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("not an Ed25519 private key")
    return _private(algorithm, key)


def _private(algorithm: Algorithm, key: Any) -> PrivateKey:
    public = _public_object(algorithm, key.public_key())
    return PrivateKey(key_id=_key_id(algorithm, public), algorithm=algorithm, _key=key)


def load_public_key(algorithm: Algorithm | str, pem: str) -> PublicKey:
    """A verifier from a PEM public key; ``CertError`` when the text is not a key of that algorithm."""
    algorithm = Algorithm.parse(str(algorithm), field="algorithm")
    try:
        if algorithm is Algorithm.SM2_SM3:
            key: Any = t_serialization.load_pem_public_key(pem.encode("ascii"))
        else:
            key = c_serialization.load_pem_public_key(pem.encode("ascii"))
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError("not an Ed25519 public key")
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise CertError(f"公钥无效：{exc}", field="public_key") from None
    public = _public_object(algorithm, key)
    return PublicKey(key_id=_key_id(algorithm, public), algorithm=algorithm, pem=pem, _verify=public)


class _PublicObject:
    """A library public key behind one ``(signature, message) -> bool`` call, plus its DER for the key id."""

    def __init__(self, algorithm: Algorithm, key: Any) -> None:
        self.algorithm = algorithm
        self.key = key
        if algorithm is Algorithm.SM2_SM3:
            self.der = bytes(
                key.public_bytes(t_serialization.Encoding.DER, t_serialization.PublicFormat.SubjectPublicKeyInfo)
            )
        else:
            self.der = key.public_bytes(c_serialization.Encoding.DER, c_serialization.PublicFormat.SubjectPublicKeyInfo)

    def __call__(self, signature: bytes, message: bytes) -> bool:
        try:
            if self.algorithm is Algorithm.SM2_SM3:
                # Malformed DER is refused here: Tongsuo reports it as an internal error, not a bad signature.
                decode_dss_signature(signature)
                self.key.verify(signature, message, t_ec.ECDSA(t_hashes.SM3()))
            else:
                self.key.verify(signature, message)
        except (InvalidSignature, TongsuoInvalidSignature, TongsuoInternalError, ValueError):
            # ValueError: a signature that is not even DER (a tampered export) is just a bad signature.
            return False
        return True


def _public_object(algorithm: Algorithm, key: Any) -> _PublicObject:
    return _PublicObject(algorithm, key)


def _key_id(algorithm: Algorithm, public: _PublicObject) -> str:
    return digest(algorithm, public.der).hex()[:KEY_ID_HEX]
