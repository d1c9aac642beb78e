"""Private signing keys on disk: one PEM file per key, mode 600, in a directory outside the repository.

Private keys never enter the database (it holds only public keys, ``cert_keys``) and never the repository: the
directory is ``ONESTOP_CERT_KEY_DIR``, else ``$ONESTOP_DATA_DIR/keys``, else ``var/keys`` (ignored by git).
Back it up like the database: a certificate signed with a lost key still verifies (its public key is in the
database) but no new one can be signed with it — rotate to a new key instead.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from onestop.certs.errors import SigningUnavailable
from onestop.certs.signing import Algorithm, PrivateKey, load_private_key

FILE_MODE = 0o600
DIR_MODE = 0o700


def key_dir() -> Path:
    explicit = os.environ.get("ONESTOP_CERT_KEY_DIR")
    if explicit:
        return Path(explicit).resolve()
    return (Path(os.environ.get("ONESTOP_DATA_DIR", "var")) / "keys").resolve()


class KeyStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache: dict[str, PrivateKey] = {}
        self._lock = threading.Lock()

    def path(self, key_id: str) -> Path:
        if not key_id.isalnum():
            raise ValueError(f"bad key id {key_id!r}")
        return self.directory / f"{key_id}.pem"

    def save(self, key: PrivateKey) -> Path:
        """Writes the key with mode 600 from the first byte (never readable by others, not even briefly)."""
        self.directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        path = self.path(key.key_id)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            os.write(fd, key.private_pem())
        finally:
            os.close(fd)
        with self._lock:
            self._cache[key.key_id] = key
        return path

    def load(self, key_id: str, algorithm: Algorithm) -> PrivateKey:
        with self._lock:
            cached = self._cache.get(key_id)
        if cached is not None:
            return cached
        path = self.path(key_id)
        try:
            key = load_private_key(algorithm, path.read_bytes())
        except OSError:
            raise SigningUnavailable(
                f"发证私钥 {key_id} 不在密钥目录 {self.directory} 中：请恢复密钥文件，或执行 onestop certs rotate-key",
                field="key_id",
            ) from None
        except ValueError:
            raise SigningUnavailable(
                f"密钥文件 {path.name} 无法读取为 {algorithm.value} 私钥", field="key_id"
            ) from None
        if key.key_id != key_id:
            raise SigningUnavailable(f"密钥文件 {path.name} 与登记的公钥不符", field="key_id")
        with self._lock:
            self._cache[key_id] = key
        return key


_stores: dict[Path, KeyStore] = {}
_stores_lock = threading.Lock()


def key_store(directory: Path | None = None) -> KeyStore:
    """The process's store for ``directory`` (default: ``key_dir()``), so loaded keys are parsed once."""
    directory = directory or key_dir()
    with _stores_lock:
        store = _stores.get(directory)
        if store is None:
            store = _stores[directory] = KeyStore(directory)
        return store
