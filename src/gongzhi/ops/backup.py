"""gongzhi backup / restore: a consistent, sealed copy of the database and the media folder, with
a manifest that lets a restore prove it got back what was saved.

A backup is one directory, gongzhi-backup-YYYYmmdd-HHMMSS (mode 0700, files 0600):

    manifest.json.enc     what was saved (below), sealed like the rest
    database.dump.enc     PostgreSQL: `pg_dump --format=custom`, streamed into the sealer
    database.sqlite3.enc  SQLite: a copy made with the online backup API
    media.tar.enc         MEDIA_ROOT as a tar

The manifest holds the engine, the applied migrations per app, the row count of every table, the
audit chain head, the points ledger totals, the size and SHA-256 of every file (sealed and plain,
and of every media file) and the application version. Every figure comes from the same snapshot
as the dump: PostgreSQL exports the snapshot of a REPEATABLE READ transaction to pg_dump and
counts inside it; SQLite counts in the copy. The key is never written: see sealed.py."""

import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from gongzhi.audit.models import ChainHead
from gongzhi.points.models import PointAccount, PointEntry

from . import sealed

FORMAT = "gongzhi-backup/1"
MANIFEST = "manifest.json.enc"
MEDIA = "media.tar.enc"
DATABASE = {"postgresql": "database.dump.enc", "sqlite": "database.sqlite3.enc"}
PREFIX = "gongzhi-backup-"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


# -- the key ----------------------------------------------------------------------------------------


def backup_key() -> bytes:
    """GONGZHI_BACKUP_KEY (base64 of 32 bytes); locally (debug/demo/test) a key derived from
    SECRET_KEY when unset; in production no backup without one."""
    raw = settings.BACKUP_KEY
    if not raw:
        if not settings.LOCAL:
            raise BackupError(
                "未设置备份密钥 GONGZHI_BACKUP_KEY（base64 编码的 32 字节）。生产环境不使用派生密钥。"
            )
        return hashlib.sha256(f"backup-key:{settings.SECRET_KEY}".encode()).digest()
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise BackupError("备份密钥 GONGZHI_BACKUP_KEY 格式不对：应为 base64 编码的 32 字节。")
    return key


# -- what a database holds ---------------------------------------------------------------------------


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE:
        raise BackupError(f"不支持的数据库：{vendor}（只支持 PostgreSQL 和 SQLite）。")
    return vendor


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _scalar(cursor, sql: str):
    cursor.execute(sql)
    return cursor.fetchone()


def facts(cursor, tables: list[str]) -> dict:
    """Migrations, row counts, audit head and ledger totals, read through a DB-API cursor."""
    tables = sorted(t for t in tables if not t.startswith("sqlite_"))
    counts = {t: _scalar(cursor, f"SELECT COUNT(*) FROM {_quote(t)}")[0] for t in tables}  # noqa: S608
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    head = None
    if ChainHead._meta.db_table in counts:
        row = _scalar(cursor, f"SELECT seq, hash FROM {_quote(ChainHead._meta.db_table)} WHERE id = 1")  # noqa: S608
        head = {"seq": int(row[0]), "hash": row[1]} if row else {"seq": 0, "hash": None}
    points = None
    if PointAccount._meta.db_table in counts and PointEntry._meta.db_table in counts:
        accounts, balances = _scalar(
            cursor,
            f"SELECT COUNT(*), COALESCE(SUM(balance), 0) FROM {_quote(PointAccount._meta.db_table)}",  # noqa: S608
        )
        entries, deltas = _scalar(
            cursor,
            f"SELECT COUNT(*), COALESCE(SUM(delta), 0) FROM {_quote(PointEntry._meta.db_table)}",  # noqa: S608
        )
        points = {
            "accounts": int(accounts),
            "balance_total": int(balances),
            "entries": int(entries),
            "delta_total": int(deltas),
        }
    return {"migrations": migrations, "tables": counts, "audit_head": head, "points": points}


def live_facts() -> dict:
    """The facts of the database Django is connected to."""
    with connection.cursor() as cursor:
        return facts(cursor, connection.introspection.table_names(cursor))


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def _pg_args(settings_dict: dict) -> tuple[list[str], dict]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def app_version() -> str:
    try:
        return metadata.version("gongzhi")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a tree without install
        return "unknown"


# -- making a backup ----------------------------------------------------------------------------------


@dataclass
class Made:
    path: Path
    manifest: dict = field(default_factory=dict)


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=False)
    os.chmod(path, 0o700)


def _sealer(folder: Path, name: str, key: bytes) -> sealed.SealedWriter:
    writer = sealed.SealedWriter(folder / name, key, name, salt=os.urandom(sealed.SALT_BYTES))
    os.chmod(folder / name, 0o600)
    return writer


def _dump_postgresql(folder: Path, key: bytes) -> tuple[dict, dict]:
    """pg_dump of a snapshot exported by a REPEATABLE READ transaction that counts the same rows."""
    if connection.in_atomic_block:
        raise BackupError("备份不能在事务中运行。")
    args, env = _pg_args(connection.settings_dict)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = _scalar(cursor, "SELECT pg_export_snapshot()")[0]
        writer = _sealer(folder, DATABASE["postgresql"], key)
        command = [
            shutil.which("pg_dump") or "pg_dump",
            "--format=custom",
            f"--snapshot={snapshot}",
            *args,
            "--dbname",
            connection.settings_dict["NAME"],
        ]
        with tempfile.TemporaryFile() as errors:
            with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env) as dump:  # noqa: S603
                while block := dump.stdout.read(sealed.CHUNK):
                    writer.write(block)
            writer.close()
            if dump.returncode != 0:
                errors.seek(0)
                message = errors.read().decode(errors="replace").strip()
                raise BackupError(f"pg_dump 失败（退出码 {dump.returncode}）：{message}")
        found = facts(cursor, connection.introspection.table_names(cursor))
    return found, writer.describe()


def _dump_sqlite(folder: Path, key: bytes) -> tuple[dict, dict]:
    """The online backup API copies a consistent database while the site runs (WAL)."""
    copy = folder / "database.sqlite3.partial"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        os.chmod(copy, 0o600)
        connection.connection.backup(target)
        found = facts(target.cursor(), _sqlite_tables(target))
    finally:
        target.close()
    writer = _sealer(folder, DATABASE["sqlite"], key)
    try:
        with open(copy, "rb") as f:
            while block := f.read(sealed.CHUNK):
                writer.write(block)
    finally:
        writer.close()
        copy.unlink()
    return found, writer.describe()


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(sealed.CHUNK):
            digest.update(block)
    return digest.hexdigest()


class _Hashing:
    """A file read through once, hashed on the way (a media file never sits in memory whole)."""

    def __init__(self, f):
        self._f = f
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._f.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def _tar_media(folder: Path, key: bytes) -> tuple[list[dict], dict]:
    root = Path(settings.MEDIA_ROOT)
    listed = []
    writer = _sealer(folder, MEDIA, key)
    try:
        with tarfile.open(fileobj=writer, mode="w|") as tar:
            for path in _media_files(root):
                rel = path.relative_to(root).as_posix()
                info = tar.gettarinfo(str(path), arcname=rel)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with open(path, "rb") as f:
                    reader = _Hashing(f)
                    tar.addfile(info, reader)
                if reader.size != info.size:
                    raise BackupError(f"媒体文件 {rel} 在备份过程中被改动，请重试。")
                listed.append({"path": rel, "size": reader.size, "sha256": reader.digest.hexdigest()})
    finally:
        writer.close()
    return listed, writer.describe()


def make_backup(*, into: Path, now: datetime | None = None) -> Made:
    """Write one backup under `into`. It appears under its final name only once complete."""
    key = backup_key()
    vendor = engine()
    now = timezone.localtime(now or timezone.now())
    into.mkdir(mode=0o700, parents=True, exist_ok=True)
    final = into / f"{PREFIX}{now:%Y%m%d-%H%M%S}"
    if final.exists():
        raise BackupError(f"{final} 已存在。")
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=into))  # mode 0700
    try:
        dump = _dump_postgresql if vendor == "postgresql" else _dump_sqlite
        found, database = dump(work, key)
        media, tar = _tar_media(work, key)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "app_version": app_version(),
            "engine": vendor,
            "key_id": sealed.key_id(key),
            **found,
            "files": [database, tar],
            "media": media,
        }
        writer = _sealer(work, MANIFEST, key)
        try:
            writer.write(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode())
        finally:
            writer.close()
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Made(final, manifest)


# -- checking and restoring ----------------------------------------------------------------------------


class _ChunkReader(io.RawIOBase):
    """A readable file over an iterator of byte chunks (for tarfile's stream mode)."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            self._pending = next(self._chunks, None)
            if self._pending is None:
                self._pending = b""
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def load_manifest(path: Path, key: bytes) -> dict:
    if not (path / MANIFEST).is_file():
        raise BackupError(f"{path} 不是共治备份目录：缺少 {MANIFEST}。")
    try:
        found = sealed.read_key_id(path / MANIFEST)
        if found != sealed.key_id(key):
            raise BackupError(
                f"备份密钥不符：该备份的密钥指纹为 {found}，当前密钥为 {sealed.key_id(key)}。"
                "请使用做备份时的 GONGZHI_BACKUP_KEY。"
            )
        manifest = json.loads(b"".join(sealed.open_sealed(path / MANIFEST, key)))
    except sealed.SealError as exc:
        raise BackupError(str(exc)) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式：{manifest.get('format')}（本版本读 {FORMAT}）。")
    return manifest


def check_backup(path: Path, key: bytes) -> dict:
    """Every file of the backup against its manifest: size and SHA-256 of the sealed file, then a
    full authenticated read whose plaintext must match too. Reads, never writes."""
    manifest = load_manifest(path, key)
    for entry in manifest["files"]:
        name = entry["name"]
        file = path / name
        if not file.is_file():
            raise BackupError(f"备份不完整：缺少 {name}。")
        if file.stat().st_size != entry["size"]:
            raise BackupError(
                f"{name} 大小不符：应为 {entry['size']} 字节，实为 {file.stat().st_size} 字节（被截断或改动）。"
            )
        if _sha256(file) != entry["sha256"]:
            raise BackupError(f"{name} 的 SHA-256 校验和与清单不符（文件被篡改或损坏）。")
        digest, size = hashlib.sha256(), 0
        try:
            for block in sealed.open_sealed(file, key):
                digest.update(block)
                size += len(block)
        except sealed.SealError as exc:
            raise BackupError(str(exc)) from None
        if size != entry["plain_size"] or digest.hexdigest() != entry["plain_sha256"]:
            raise BackupError(f"{name} 解密后的内容与清单不符。")
    return manifest


def our_tables() -> set[str]:
    from django.apps import apps

    return {
        model._meta.db_table
        for config in apps.get_app_configs()
        if config.name.startswith("gongzhi.")
        for model in config.get_models(include_auto_created=True)
    }


def _has_rows(cursor, table: str, where: str) -> bool:
    sql = f"SELECT 1 FROM {_quote(table)} WHERE {where} LIMIT 1"  # noqa: S608 - quoted table, fixed condition
    return _scalar(cursor, sql) is not None


def target_problems(manifest: dict) -> list[str]:
    """Why the configured database and media folder may not receive this backup."""
    problems = []
    vendor = engine()
    if manifest["engine"] != vendor:
        names = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
        problems.append(
            f"该备份来自 {names[manifest['engine']]}，目标数据库是 {names[vendor]}：不支持跨数据库恢复。"
        )
        return problems
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names
               if (app, name) not in known]  # fmt: skip
    if unknown:
        problems.append(
            f"该备份含本版本没有的迁移（{', '.join(unknown[:5])}）：请用做备份的版本或更新的版本恢复。"
        )
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        present = tables & our_tables()
        # The chain head's row at seq 0 is written by the audit migration: a migrated empty database.
        head = ChainHead._meta.db_table
        filled = [t for t in sorted(present) if _has_rows(cursor, t, "seq > 0" if t == head else "1 = 1")]
    if filled:
        problems.append(f"目标数据库不是空库：{', '.join(filled[:5])} 等 {len(filled)} 张表已有数据。")
    # pg_restore --clean replaces the backup's tables; one it does not know (a newer version's
    # migration) would stay and clash with `migrate` after it. SQLite's copy replaces everything.
    extra = sorted(tables - set(manifest.get("tables", {}))) if vendor == "postgresql" else []
    if extra and not filled:
        problems.append(
            f"目标数据库含有备份中没有的表（{', '.join(extra[:5])}）：请恢复到新建的空库（createdb）。"
        )
    if _media_files(Path(settings.MEDIA_ROOT)):
        problems.append(f"目标媒体目录 {settings.MEDIA_ROOT} 不是空的。")
    return problems


def _restore_postgresql(path: Path, key: bytes) -> None:
    settings_dict = connection.settings_dict
    with connection.cursor() as cursor:
        existing = bool(connection.introspection.table_names(cursor))
    connection.close()
    args, env = _pg_args(settings_dict)
    command = [
        shutil.which("pg_restore") or "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        # An empty but migrated database: drop its (empty) tables before the backup's are created.
        *(["--clean", "--if-exists"] if existing else []),
        *args,
        "--dbname",
        settings_dict["NAME"],
    ]
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors, env=env) as restore:  # noqa: S603
            try:
                for block in sealed.open_sealed(path / DATABASE["postgresql"], key):
                    restore.stdin.write(block)
            except BrokenPipeError:
                pass
            finally:
                restore.stdin.close()
        if restore.returncode != 0:
            errors.seek(0)
            raise BackupError(
                f"pg_restore 失败（退出码 {restore.returncode}）：{errors.read().decode(errors='replace')}"
            )


def _restore_sqlite(path: Path, key: bytes) -> None:
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    fd, name = tempfile.mkstemp(prefix=".restore-", suffix=".sqlite3", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            for block in sealed.open_sealed(path / DATABASE["sqlite"], key):
                f.write(block)
        source, dest = sqlite3.connect(name), sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            source.close()
            dest.close()
        os.chmod(target, 0o600)
    finally:
        os.unlink(name)


def _restore_media(path: Path, key: bytes, manifest: dict) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=_ChunkReader(sealed.open_sealed(path / MEDIA, key)), mode="r|") as tar:
        tar.extractall(root, filter="data")
    problems = []
    for entry in manifest["media"]:
        file = root / entry["path"]
        if not file.is_file() or file.stat().st_size != entry["size"] or _sha256(file) != entry["sha256"]:
            problems.append(f"媒体文件 {entry['path']} 恢复后与清单不符。")
    return problems


def compare(manifest: dict, found: dict) -> list[str]:
    """What differs between the manifest and the restored database."""
    problems = []
    for table, count in manifest["tables"].items():
        have = found["tables"].get(table)
        if have != count:
            problems.append(
                f"表 {table}：备份时 {count} 行，恢复后 {'缺表' if have is None else f'{have} 行'}。"
            )
    for label, name in (("审计链头", "audit_head"), ("积分账本合计", "points"), ("迁移状态", "migrations")):
        if manifest[name] != found[name]:
            problems.append(f"{label}不符：备份时 {manifest[name]}，恢复后 {found[name]}。")
    return problems


@dataclass
class Restored:
    manifest: dict
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def restore_backup(path: Path, *, verify=None) -> Restored:
    """Check the backup, refuse a target that is not empty, restore the database, compare it with
    the manifest, restore the media, then run `verify()` (the apps' verify commands). Nothing is
    written before the whole backup has been checked."""
    key = backup_key()
    manifest = check_backup(path, key)
    result = Restored(manifest)
    result.lines.append(
        f"备份 backup: {path.name}（{manifest['created_at']}，{manifest['engine']}，版本 {manifest['app_version']}）"
        " — 校验和与密钥均通过 / checksums and key OK"
    )
    problems = target_problems(manifest)
    if problems:
        raise BackupError("\n".join(problems))
    (_restore_postgresql if manifest["engine"] == "postgresql" else _restore_sqlite)(path, key)
    found = live_facts()
    result.problems += compare(manifest, found)
    rows = sum(manifest["tables"].values())
    result.lines.append(
        f"数据库 database: {len(manifest['tables'])} 张表 {rows} 行"
        + (" — 行数一致 / row counts match" if not result.problems else " — 与清单不符 / MISMATCH")
    )
    media = _restore_media(path, key, manifest)
    result.problems += media
    result.lines.append(
        f"媒体 media: {len(manifest['media'])} 个文件"
        + (" — 校验和一致 / checksums match" if not media else " — 与清单不符 / MISMATCH")
    )
    if verify is not None:
        for line, ok in verify(manifest):
            result.lines.append(line)
            if not ok:
                result.problems.append(line)
    return result
