"""The sealed-file format: round trips, and every kind of damage is refused by name."""

import os

import pytest

from gongzhi.ops import sealed

KEY = os.urandom(32)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(sealed, "CHUNK", 64)


def seal(path, data: bytes, name="f.enc", key=KEY):
    writer = sealed.SealedWriter(path, key, name, salt=os.urandom(16))
    for i in range(0, len(data), 50):
        writer.write(data[i : i + 50])
    writer.close()
    return writer


def opened(path, name="f.enc", key=KEY) -> bytes:
    return b"".join(sealed.open_sealed(path, key, name))


@pytest.mark.parametrize("size", [0, 1, 64, 128, 1000])
def test_round_trip_in_chunks(tmp_path, size):
    data = os.urandom(size)
    writer = seal(tmp_path / "f.enc", data)
    assert opened(tmp_path / "f.enc") == data
    described = writer.describe()
    assert described["plain_size"] == size and described["size"] == (tmp_path / "f.enc").stat().st_size


def test_a_cut_at_a_chunk_boundary_is_refused(tmp_path):
    seal(tmp_path / "f.enc", os.urandom(200))  # 64 + 64 + 64 + 8
    raw = (tmp_path / "f.enc").read_bytes()
    (tmp_path / "f.enc").write_bytes(raw[: sealed.HEADER + 2 * (64 + 16)])  # the first two chunks, intact
    with pytest.raises(sealed.SealError, match="篡改或截断：第 2 块"):
        opened(tmp_path / "f.enc")


def test_a_flipped_bit_is_refused(tmp_path):
    seal(tmp_path / "f.enc", os.urandom(200))
    raw = bytearray((tmp_path / "f.enc").read_bytes())
    raw[sealed.HEADER + 70] ^= 1
    (tmp_path / "f.enc").write_bytes(bytes(raw))
    with pytest.raises(sealed.SealError, match="第 1 块"):
        opened(tmp_path / "f.enc")


def test_swapped_chunks_and_a_renamed_file_are_refused(tmp_path):
    seal(tmp_path / "f.enc", os.urandom(200))
    raw = (tmp_path / "f.enc").read_bytes()
    head, body = raw[: sealed.HEADER], raw[sealed.HEADER :]
    first, second = body[:80], body[80:160]
    (tmp_path / "f.enc").write_bytes(head + second + first + body[160:])
    with pytest.raises(sealed.SealError):
        opened(tmp_path / "f.enc")
    seal(tmp_path / "g.enc", b"database", name="database.dump.enc")
    with pytest.raises(sealed.SealError):
        opened(tmp_path / "g.enc", name="media.tar.enc")


def test_a_wrong_key_is_named_as_such(tmp_path):
    seal(tmp_path / "f.enc", b"secret")
    with pytest.raises(sealed.SealError, match="备份密钥不符"):
        opened(tmp_path / "f.enc", key=os.urandom(32))
    (tmp_path / "x").write_bytes(b"PGDMP" + b"\0" * 40)
    with pytest.raises(sealed.SealError, match="不是共治备份文件"):
        opened(tmp_path / "x")
