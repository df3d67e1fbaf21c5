"""gongzhi backup / restore, end to end on the engine the suite runs on (the other is skipped).

The source is a database of its own, built like the demo (`gongzhi seed_demo`: people, cases, the
积分制 with its ledger, audit events, evidence photos in the media folder); the backup and each
restore run as `gongzhi` commands in their own processes, pointed at their database by
DATABASE_URL or GONGZHI_DATA_DIR, as an operator would run them. The suite's own test database
is left alone."""

import base64
import filecmp
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from gongzhi.kernel import checkpoints
from gongzhi.ops import backup as ops

SRC = Path(__file__).resolve().parents[2] / "src"
KEY = base64.b64encode(os.urandom(32)).decode()
POSTGRES = connection.vendor == "postgresql"


class Target:
    """A database and a data folder (media) that `gongzhi` commands are pointed at."""

    def __init__(self, root: Path, name: str):
        self.data = root / name
        self.data.mkdir()
        self.db = f"gz_backup_{name}_{uuid.uuid4().hex[:8]}" if POSTGRES else None
        if self.db:
            with _maintenance() as pg:
                pg.execute(f'CREATE DATABASE "{self.db}"')

    @property
    def media(self) -> Path:
        return self.data / "media"

    def env(self, **extra) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "GONGZHI_SQLITE_PATH"}}
        env.update(
            PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")])),
            DJANGO_SETTINGS_MODULE="gongzhi.settings",
            GONGZHI_DEMO="1",
            GONGZHI_DATA_DIR=str(self.data),
            GONGZHI_NODE_MODULES=str(settings.NODE_MODULES),
            GONGZHI_BACKUP_KEY=KEY,
        )
        if self.db:
            env["DATABASE_URL"] = _url(self.db)
        env.update(extra)
        return env

    def run(self, *args, check=True, **env) -> subprocess.CompletedProcess:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "gongzhi", *args],
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def counts(self) -> dict[str, int]:
        """Rows per table, read straight from the database (not through our code)."""
        if self.db:
            with psycopg.connect(_url(self.db)) as pg:
                tables = [r[0] for r in pg.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]  # fmt: skip
                return {t: pg.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        path = self.data / "gongzhi.sqlite3"
        if not path.exists():
            return {}
        db = sqlite3.connect(path)
        try:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return {
                t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                for t in tables
                if t != "sqlite_sequence"
            }
        finally:
            db.close()

    def drop(self):
        if self.db:
            with _maintenance() as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _maintenance():
    return psycopg.connect(_url("postgres"), autocommit=True)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A demo-like source database, and a backup of it."""
    root = tmp_path_factory.mktemp("backup")
    targets = []

    def target(name):
        targets.append(Target(root, f"{name}{len(targets)}"))
        return targets[-1]

    source = target("src")
    source.run("migrate", "--noinput", "-v", "0")
    source.run("seed_demo", "--persons", "120", "--cases", "30")
    done = source.run("backup", "--output", str(root / "backups"))
    path = Path(done.stdout.splitlines()[0])
    try:
        yield source, path, target
    finally:
        for t in targets:
            t.drop()


def test_the_backup_is_private_and_sealed(made):
    source, path, _ = made
    assert path.name.startswith("gongzhi-backup-") and (path.stat().st_mode & 0o777) == 0o700
    names = sorted(p.name for p in path.iterdir())
    dump = "database.dump.enc" if POSTGRES else "database.sqlite3.enc"
    assert names == sorted([dump, "manifest.json.enc", "media.tar.enc"])
    for p in path.iterdir():
        assert (p.stat().st_mode & 0o777) == 0o600
        assert p.read_bytes().startswith(b"GZBAK1\n")
        assert KEY.encode() not in p.read_bytes() and base64.b64decode(KEY) not in p.read_bytes()
    # What the demo wrote is in there: readable only with the key.
    photo = next(source.media.rglob("*.jpg")).read_bytes()
    assert photo[:64] not in (path / "media.tar.enc").read_bytes()
    with override_settings(BACKUP_KEY=KEY):
        manifest = ops.load_manifest(path, ops.backup_key())
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"] == {t: n for t, n in source.counts().items() if t in manifest["tables"]}
    assert manifest["tables"]["people_person"] >= 120 and manifest["tables"]["cases_case"] >= 30
    assert manifest["audit_head"]["seq"] == manifest["tables"]["audit_auditevent"] > 0
    assert manifest["points"]["entries"] == manifest["tables"]["points_pointentry"] > 0
    assert manifest["points"]["balance_total"] == manifest["points"]["delta_total"]
    assert "0001_initial" in manifest["migrations"]["audit"]
    assert len(manifest["media"]) == len(list(source.media.rglob("*.jpg"))) > 0


def test_round_trip_into_an_empty_database(made):
    source, path, target = made
    empty = target("dst")
    done = empty.run("restore", str(path))
    assert "行数一致" in done.stdout and "恢复完成，全部校验通过" in done.stdout, done.stdout
    assert "audit_verify: OK" in done.stdout and "points_verify: OK" in done.stdout
    # Checked apart from the command: the same rows in every table, the same files, sound chains.
    assert empty.counts() == source.counts()
    compared = filecmp.dircmp(source.media, empty.media)
    assert not compared.left_only and not compared.right_only and not compared.diff_files
    for sub in compared.subdirs.values():
        assert not sub.left_only and not sub.diff_files
    files = sorted(p.relative_to(source.media) for p in source.media.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(empty.media) for p in empty.media.rglob("*") if p.is_file())
    assert all(filecmp.cmp(source.media / f, empty.media / f, shallow=False) for f in files)
    assert empty.run("audit_verify").stdout.strip() == f"OK {source.counts()['audit_auditevent']}"


def test_a_migrated_empty_database_takes_a_restore(made):
    source, path, target = made
    migrated = target("mig")
    migrated.run("migrate", "--noinput", "-v", "0")
    done = migrated.run("restore", str(path))
    assert "恢复完成" in done.stdout
    assert migrated.counts() == source.counts()


def test_a_database_with_rows_is_refused(made):
    source, path, _ = made
    before = source.counts()
    done = source.run("restore", str(path), check=False)
    assert done.returncode == 1 and "目标数据库不是空库" in done.stderr, done.stderr
    assert source.counts() == before


def test_a_tampered_backup_is_refused_before_anything_is_written(made, tmp_path):
    _, path, target = made
    copy = _copy(path, tmp_path)
    raw = bytearray((copy / "media.tar.enc").read_bytes())
    raw[len(raw) // 2] ^= 0x01
    (copy / "media.tar.enc").write_bytes(bytes(raw))
    empty = target("bad")
    done = empty.run("restore", str(copy), check=False)
    assert done.returncode == 1 and "media.tar.enc 的 SHA-256 校验和与清单不符" in done.stderr, done.stderr
    assert empty.counts() == {} and not any(empty.media.rglob("*"))


def _copy(path: Path, into: Path) -> Path:
    copy = into / path.name
    copy.mkdir()
    for p in path.iterdir():
        (copy / p.name).write_bytes(p.read_bytes())
    return copy


@pytest.mark.parametrize(
    "damage, message",
    [
        ("truncate", "大小不符"),
        ("missing", "缺少 media.tar.enc"),
        ("manifest", "manifest.json.enc 已被篡改或截断"),
        ("swap", "database"),
    ],
)
def test_every_kind_of_damage_is_named(made, tmp_path, damage, message):
    """The same checks `restore` runs before it writes anything (in this process: faster)."""
    _, path, _ = made
    copy = _copy(path, tmp_path)
    media = copy / "media.tar.enc"
    if damage == "truncate":
        media.write_bytes(media.read_bytes()[:-100])
    elif damage == "missing":
        media.unlink()
    elif damage == "manifest":
        raw = bytearray((copy / "manifest.json.enc").read_bytes())
        raw[-1] ^= 0x80
        (copy / "manifest.json.enc").write_bytes(bytes(raw))
    else:  # a sealed file put in another's place, checksums and all: the manifest still knows
        dump = next(copy.glob("database.*.enc"))
        dump.write_bytes(media.read_bytes())
    with override_settings(BACKUP_KEY=KEY), pytest.raises(ops.BackupError, match=message):
        ops.check_backup(copy, ops.backup_key())


def test_a_wrong_key_is_refused(made):
    _, path, target = made
    empty = target("key")
    other = base64.b64encode(os.urandom(32)).decode()
    done = empty.run("restore", str(path), check=False, GONGZHI_BACKUP_KEY=other)
    assert done.returncode == 1 and "备份密钥不符" in done.stderr, done.stderr
    assert empty.counts() == {} and not any(empty.media.rglob("*"))
    with override_settings(BACKUP_KEY=KEY):
        assert ops.check_backup(path, ops.backup_key())["engine"] == connection.vendor


def test_production_needs_a_backup_key():
    with (
        override_settings(LOCAL=False, BACKUP_KEY=""),
        pytest.raises(ops.BackupError, match="GONGZHI_BACKUP_KEY"),
    ):
        ops.backup_key()
    with (
        override_settings(LOCAL=False, BACKUP_KEY="c2hvcnQ="),
        pytest.raises(ops.BackupError, match="32 字节"),
    ):
        ops.backup_key()
    with override_settings(LOCAL=True, BACKUP_KEY=""):
        assert len(ops.backup_key()) == 32


@pytest.mark.django_db
def test_another_engine_is_refused():
    other = "sqlite" if POSTGRES else "postgresql"
    problems = ops.target_problems({"engine": other, "migrations": {}})
    assert problems and "不支持跨数据库恢复" in problems[0]


def _reseal_manifest(copy: Path, change) -> dict:
    """Change the manifest of a copied backup and seal it again with the right key."""
    from gongzhi.ops import sealed

    key = base64.b64decode(KEY)
    manifest = ops.load_manifest(copy, key)
    change(manifest)
    (copy / ops.MANIFEST).unlink()
    writer = sealed.SealedWriter(copy / ops.MANIFEST, key, ops.MANIFEST, salt=os.urandom(16))
    writer.write(json.dumps(manifest).encode())
    writer.close()
    return manifest


def test_a_restore_that_does_not_match_its_manifest_fails(made, tmp_path):
    """The comparison can fail: a manifest (sealed with the right key) that claims one row more
    in a table makes the restore exit 1 and name the table."""
    _, path, target = made
    copy = _copy(path, tmp_path)
    manifest = _reseal_manifest(
        copy, lambda m: m["tables"].update(people_person=m["tables"]["people_person"] + 1)
    )
    empty = target("lie")
    done = empty.run("restore", str(copy), check=False)
    expected = f"表 people_person：备份时 {manifest['tables']['people_person']} 行，恢复后"
    assert done.returncode == 1 and expected in done.stderr, done.stdout + done.stderr
    assert "恢复后校验未通过" in done.stderr


@pytest.mark.django_db
def test_a_backup_from_a_newer_version_is_refused():
    manifest = {
        "engine": connection.vendor,
        "migrations": {"audit": ["0001_initial", "0999_from_the_future"]},
    }
    problems = ops.target_problems(manifest)
    assert any("audit.0999_from_the_future" in p and "本版本没有的迁移" in p for p in problems)


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only: SQLite's restore replaces the whole file")
def test_a_table_the_backup_does_not_have_is_refused(made, tmp_path):
    """A target migrated by a newer version keeps tables pg_restore --clean would not replace."""
    _, path, target = made
    copy = _copy(path, tmp_path)
    _reseal_manifest(copy, lambda m: m["tables"].pop("points_pointtally"))
    migrated = target("new")
    migrated.run("migrate", "--noinput", "-v", "0")
    done = migrated.run("restore", str(copy), check=False)
    assert done.returncode == 1 and "备份中没有的表（points_pointtally）" in done.stderr, done.stderr
    assert migrated.counts()["people_person"] == 0


def _checkpoint_file(folder: Path, points: list[tuple[str, dict]]) -> None:
    """Signed checkpoint lines as `audit_checkpoint` writes them, at chosen instants."""
    folder.mkdir()
    lines = []
    for n, (at, anchors) in enumerate(points, start=1):
        mac = checkpoints._mac(n, at, anchors)
        lines.append(json.dumps({"n": n, "at": at, "anchors": anchors, "mac": mac}, sort_keys=True))
    (folder / checkpoints.FILENAME).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _around_the_backup(path: Path):
    with override_settings(BACKUP_KEY=KEY):
        manifest = ops.load_manifest(path, ops.backup_key())
    taken = datetime.fromisoformat(manifest["created_at"])
    head = manifest["audit_head"]
    entries = manifest["points"]["entries"]
    return taken, head, entries


def test_checkpoints_written_after_the_backup_are_reported_not_failed(made, tmp_path):
    # The usual disaster: the nightly checkpoint ran after the last backup. The restored chains
    # must reach the checkpoint taken before the backup; the later one only says what was lost.
    _, path, target = made
    taken, head, entries = _around_the_backup(path)
    folder = tmp_path / "checkpoints"
    _checkpoint_file(folder, [
        ((taken - timedelta(minutes=5)).isoformat(), {"audit": head, "points": {"entries": entries}}),
        ((taken + timedelta(hours=1)).isoformat(),
         {"audit": {"seq": head["seq"] + 40, "hash": "f" * 64}, "points": {"entries": entries + 7}}),
    ])  # fmt: skip
    empty = target("cpok")
    done = empty.run("restore", str(path), GONGZHI_CHECKPOINT_DIR=str(folder))
    assert "备份之后还写过 1 个检查点（#2–#2" in done.stdout, done.stdout
    assert "恢复完成，全部校验通过" in done.stdout
    # Against every checkpoint, the restored chain is (rightly) short of the later one.
    later = empty.run("audit_verify", check=False, GONGZHI_CHECKPOINT_DIR=str(folder))
    assert later.returncode == 1 and "检查点 #2 之后被截断" in later.stderr


def test_a_backup_short_of_a_checkpoint_taken_before_it_fails(made, tmp_path):
    # A checkpoint written before the backup saw more events than the backup holds: the backup
    # is not what the system was (cut, or made from a rewound database), and the restore says so.
    _, path, target = made
    taken, head, entries = _around_the_backup(path)
    folder = tmp_path / "checkpoints"
    _checkpoint_file(folder, [
        ((taken - timedelta(minutes=5)).isoformat(),
         {"audit": {"seq": head["seq"] + 3, "hash": "e" * 64}, "points": {"entries": entries + 2}}),
    ])  # fmt: skip
    empty = target("cpbad")
    done = empty.run("restore", str(path), check=False, GONGZHI_CHECKPOINT_DIR=str(folder))
    assert done.returncode == 1
    assert "审计链在检查点 #1 之后被截断" in done.stdout + done.stderr, done.stdout + done.stderr
    assert "积分流水在检查点 #1 之后被删除" in done.stdout + done.stderr
