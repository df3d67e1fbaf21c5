"""商用密码 helpers: SM4-GCM field encryption and HMAC-SM3 (blind indexes, audit chain).

Keys come from settings (environment in production). In DEBUG/demo/test runs without
configured keys, keys are derived from SECRET_KEY so a fresh checkout works; production
refuses to start without explicit keys (see settings.py).
"""

import base64
import hashlib
import hmac as std_hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

_NONCE_BYTES = 12
_TAG_BYTES = 16
PREFIX = "sm4gcm"


class DecryptionError(Exception):
    """A ciphertext that cannot be opened with any configured key."""


def _derived(label: str) -> bytes:
    return hashlib.sha256(f"{label}:{settings.SECRET_KEY}".encode()).digest()[:16]


@lru_cache(maxsize=1)
def field_keys() -> dict[int, bytes]:
    """Key versions for field encryption; the highest version is current."""
    raw = settings.FIELD_KEYS
    if not raw:
        return {1: _derived("field-key-v1")}
    keys = {}
    for part in raw.split(","):
        version, _, b64 = part.strip().partition(":")
        key = base64.b64decode(b64)
        if len(key) != 16:
            raise ValueError("SM4 keys are 16 bytes")
        keys[int(version)] = key
    return keys


@lru_cache(maxsize=4)
def hmac_key(purpose: str) -> bytes:
    raw = {"index": settings.INDEX_KEY, "audit": settings.AUDIT_KEY}[purpose]
    if not raw:
        return _derived(f"{purpose}-key")
    key = base64.b64decode(raw)
    if len(key) < 16:
        raise ValueError(f"the {purpose} HMAC key must be at least 16 bytes")
    return key


def check_keys() -> list[str]:
    """Problems with the configured keys, in words an operator can act on; [] when all is well."""
    problems = []
    for name, load in (
        ("GONGZHI_FIELD_KEYS", field_keys),
        ("GONGZHI_INDEX_KEY", lambda: hmac_key("index")),
        ("GONGZHI_AUDIT_KEY", lambda: hmac_key("audit")),
    ):
        try:
            load()
        except (ValueError, TypeError) as exc:
            problems.append(f"{name}: {exc}")
    return problems


def hmac_sm3(key: bytes, data: bytes) -> str:
    """HMAC-SM3 of data, as 64 hex characters."""
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def blind_index(value: str) -> str:
    """Deterministic HMAC-SM3 of a normalised value, for exact lookup without plaintext."""
    return hmac_sm3(hmac_key("index"), value.strip().upper().encode())


def token_digest(raw: str) -> str:
    """HMAC-SM3 of a secret token exactly as given (no normalisation, unlike blind_index)."""
    return hmac_sm3(hmac_key("index"), raw.encode())


def encrypt(plaintext: str) -> str:
    """SM4-GCM encrypt; returns 'sm4gcm:<version>:<base64 nonce|ciphertext|tag>'."""
    keys = field_keys()
    version = max(keys)
    nonce = os.urandom(_NONCE_BYTES)
    enc = Cipher(algorithms.SM4(keys[version]), modes.GCM(nonce)).encryptor()
    body = enc.update(plaintext.encode()) + enc.finalize()
    blob = base64.b64encode(nonce + body + enc.tag).decode()
    return f"{PREFIX}:{version}:{blob}"


def decrypt(token: str) -> str:
    """Open a value made by encrypt(); the key version travels with the ciphertext."""
    try:
        prefix, version, blob = token.split(":", 2)
        raw = base64.b64decode(blob)
        key = field_keys()[int(version)]
    except (ValueError, KeyError) as exc:
        raise DecryptionError("unreadable ciphertext or unknown key version") from exc
    if prefix != PREFIX or len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError("not an SM4-GCM value")
    nonce, body, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    try:
        return (dec.update(body) + dec.finalize()).decode()
    except InvalidTag as exc:
        raise DecryptionError("ciphertext was altered") from exc


def constant_time_equal(a: str, b: str) -> bool:
    return std_hmac.compare_digest(a.encode(), b.encode())


def seal(value: str, masker) -> tuple[str, str, str]:
    """(ciphertext, blind index, masked display) of a personal identifier; all '' for an empty value."""
    if not value:
        return "", "", ""
    return encrypt(value), blind_index(value), masker(value)
