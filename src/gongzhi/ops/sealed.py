"""Files sealed with AES-256-GCM in chunks, so a multi-gigabyte dump never sits in memory.

The layout is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015):

    header = MAGIC | key id (8 bytes) | salt (16 bytes)
    chunk i = AES-256-GCM(subkey, nonce = i as 11 bytes | last flag, plaintext, aad = header)

Each file has its own subkey, HKDF-SHA256(backup key, salt, info = "gongzhi-backup/1|<name>"), so
counter nonces never repeat under one key and a file renamed to another's name does not open. The
last chunk carries the flag 1: a file cut at a chunk boundary, a dropped or reordered chunk, an
appended one, a flipped bit — each fails authentication. The key id tells a wrong key apart from
a damaged file; it is an HMAC of the key, and reveals nothing about it."""

import hashlib
import hmac
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"GZBAK1\n"
CHUNK = 1024 * 1024
TAG = 16
KEY_ID_BYTES = 8
SALT_BYTES = 16
HEADER = len(MAGIC) + KEY_ID_BYTES + SALT_BYTES


class SealError(Exception):
    """A sealed file that does not open: wrong key, not a backup file, tampered or truncated."""


def key_id(key: bytes) -> str:
    return hmac.new(key, b"gongzhi-backup-key-id", hashlib.sha256).digest()[:KEY_ID_BYTES].hex()


def _subkey(key: bytes, salt: bytes, name: str) -> AESGCM:
    info = f"gongzhi-backup/1|{name}".encode()
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key))


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class SealedWriter:
    """A write-only file object that seals what is written to `path`; `close()` seals the last
    chunk. Keeps the size and SHA-256 of the plaintext and of the sealed file."""

    def __init__(self, path: Path, key: bytes, name: str, salt: bytes):
        if len(salt) != SALT_BYTES:
            raise ValueError("salt must be 16 bytes")
        self.path = path
        self._out = open(path, "xb")  # noqa: SIM115 - closed by close()
        self._header = MAGIC + bytes.fromhex(key_id(key)) + salt
        self._aead = _subkey(key, salt, name)
        self._buffer = bytearray()
        self._index = 0
        self.plain_size = 0
        self.plain_sha256 = hashlib.sha256()
        self.sealed_size = 0
        self.sealed_sha256 = hashlib.sha256()
        self._emit(self._header)

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self.sealed_size += len(data)
        self.sealed_sha256.update(data)

    def _seal(self, plain: bytes, last: bool) -> None:
        self._emit(self._aead.encrypt(_nonce(self._index, last), plain, self._header))
        self._index += 1

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self.plain_size += len(data)
        self.plain_sha256.update(data)
        self._buffer += data
        # Hold back a full chunk: only close() knows which chunk is the last.
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self._out.closed:
            return
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        self._out.flush()
        self._out.close()

    def describe(self) -> dict:
        return {
            "name": self.path.name,
            "size": self.sealed_size,
            "sha256": self.sealed_sha256.hexdigest(),
            "plain_size": self.plain_size,
            "plain_sha256": self.plain_sha256.hexdigest(),
        }


def read_key_id(path: Path) -> str:
    with open(path, "rb") as f:
        header = f.read(HEADER)
    if len(header) != HEADER or not header.startswith(MAGIC):
        raise SealError(f"{path.name} 不是共治备份文件（文件头不符）")
    return header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES].hex()


def open_sealed(path: Path, key: bytes, name: str | None = None) -> Iterator[bytes]:
    """The plaintext of a sealed file, chunk by chunk. Raises SealError at the first chunk that
    does not authenticate: consumers must not act on chunks before the whole file has passed
    (restore reads each file through once to check it, then again to use it)."""
    name = name or path.name
    with open(path, "rb") as f:
        header = f.read(HEADER)
        if len(header) != HEADER or not header.startswith(MAGIC):
            raise SealError(f"{name} 不是共治备份文件（文件头不符）")
        if header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES].hex() != key_id(key):
            raise SealError(f"{name}：备份密钥不符（该文件用另一把密钥加密）")
        aead = _subkey(key, header[-SALT_BYTES:], name)
        index = 0
        current = f.read(CHUNK + TAG)
        while True:
            following = f.read(CHUNK + TAG)
            last = not following
            try:
                yield aead.decrypt(_nonce(index, last), current, header)
            except InvalidTag:
                raise SealError(f"{name} 已被篡改或截断：第 {index + 1} 块校验失败") from None
            if last:
                return
            index += 1
            current = following
