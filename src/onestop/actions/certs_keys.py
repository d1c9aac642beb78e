"""Signing keys of the certs module: the current key, its first generation, rotation, public keys by id.

The public half of every key is a ``cert_keys`` row; the private half is a file in the key directory
(``onestop.certs.keystore``). The newest unretired key signs; rotation retires it (it keeps verifying what it
signed) and makes a new one. Two processes that both find no key on first use each make one; both stay valid
and the newer signs — harmless, and simpler than a cross-database lock for a once-per-deployment event.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.actions.runtime import Runtime
from onestop.auth import audit
from onestop.certs.keystore import KeyStore, key_store
from onestop.certs.signing import DEFAULT_ALGORITHM, Algorithm, PrivateKey, PublicKey, generate_key, load_public_key
from onestop.db.engine import write
from onestop.db.tables import cert_keys


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    algorithm: str
    created_at: datetime
    retired_at: datetime | None


# Public keys never change once written, so a parsed key is kept per process (verification is the hot path).
_public_cache: dict[str, PublicKey] = {}
_public_lock = threading.Lock()


def public_key(conn: Connection, key_id: str) -> PublicKey | None:
    """The public key named ``key_id``, or None when this deployment never had it."""
    with _public_lock:
        cached = _public_cache.get(key_id)
    if cached is not None:
        return cached
    row = conn.execute(
        sa.select(cert_keys.c.algorithm, cert_keys.c.public_key).where(cert_keys.c.key_id == key_id)
    ).first()
    if row is None:
        return None
    key = load_public_key(row.algorithm, row.public_key)
    if key.key_id != key_id:
        return None  # a row whose key does not hash to its id was edited: trust nothing it signed
    with _public_lock:
        _public_cache[key_id] = key
    return key


def signing_key(conn: Connection, now: datetime, *, store: KeyStore | None = None) -> PrivateKey:
    """The key that signs now; on the first use of a deployment, a new one (file first, then its row)."""
    store = store or key_store()
    row = conn.execute(
        sa.select(cert_keys.c.key_id, cert_keys.c.algorithm)
        .where(cert_keys.c.retired_at.is_(None))
        .order_by(cert_keys.c.created_at.desc(), cert_keys.c.key_id.desc())
        .limit(1)
    ).first()
    if row is not None:
        return store.load(row.key_id, Algorithm(row.algorithm))
    return _new_key(conn, now, store, DEFAULT_ALGORITHM)


def rotate_key(
    conn: Connection, now: datetime, *, algorithm: Algorithm = DEFAULT_ALGORITHM, store: KeyStore | None = None
) -> tuple[PrivateKey, list[str]]:
    """Retires every active key and makes a new one; returns it and the ids retired. Runs in the caller's
    write transaction."""
    store = store or key_store()
    retired = list(conn.execute(sa.select(cert_keys.c.key_id).where(cert_keys.c.retired_at.is_(None))).scalars())
    conn.execute(sa.update(cert_keys).where(cert_keys.c.retired_at.is_(None)).values(retired_at=now))
    return _new_key(conn, now, store, algorithm), retired


def _new_key(conn: Connection, now: datetime, store: KeyStore, algorithm: Algorithm) -> PrivateKey:
    key = generate_key(algorithm)
    # The file first: a row without its private key would stop all issuing; a file without a row is inert.
    store.save(key)
    conn.execute(
        sa.insert(cert_keys).values(
            key_id=key.key_id, algorithm=algorithm.value, public_key=key.public_pem(), created_at=now
        )
    )
    return key


def list_keys(conn: Connection) -> list[KeyInfo]:
    rows = conn.execute(sa.select(cert_keys).order_by(cert_keys.c.created_at, cert_keys.c.key_id)).mappings()
    return [KeyInfo(r["key_id"], r["algorithm"], r["created_at"], r["retired_at"]) for r in rows]


def all_public_keys(conn: Connection) -> dict[str, PublicKey]:
    """Every public key by id: what an offline verifier needs (``onestop certs export-keys``)."""
    out = {}
    for row in conn.execute(sa.select(cert_keys.c.key_id, cert_keys.c.algorithm, cert_keys.c.public_key)):
        key = load_public_key(row.algorithm, row.public_key)
        if key.key_id == row.key_id:
            out[row.key_id] = key
    return out


def rotate_signing_key(
    rt: Runtime, *, username: str, algorithm: Algorithm = DEFAULT_ALGORITHM
) -> tuple[str, list[str]]:
    """``onestop certs rotate-key``: one transaction, recorded in the audit log; returns (new id, retired ids)."""
    now = rt.now()
    with write(rt.engine) as conn:
        key, retired = rotate_key(conn, now, algorithm=algorithm)
        audit.record(
            conn,
            at=now,
            action="cert_key_rotated",
            username=username,
            target=key.key_id,
            detail={"algorithm": algorithm.value, "retired": retired},
        )
    return key.key_id, retired


def public_keys_document(conn: Connection) -> dict[str, dict[str, str]]:
    """key_id → algorithm and PEM: the file an offline verifier needs (``onestop certs export-keys``)."""
    return {
        key_id: {"algorithm": key.algorithm.value, "public_key": key.pem}
        for key_id, key in all_public_keys(conn).items()
    }
