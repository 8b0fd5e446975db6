"""Backups: the database, the media files and a manifest of SHA-256 sums; restore into an empty database.

On PostgreSQL the database goes through pg_dump's custom format and pg_restore (one
transaction), which restore every row, sequence and constraint exactly; elsewhere
(the SQLite default) through dumpdata/loaddata after migrate.
"""
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings
from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
MEDIA_DIR = "media"
PG_DUMP_FILE = "database.dump"
JSON_DUMP_FILE = "database.json"
# Rebuilt by migrate, or worth nothing in a restored system. Sessions above all: their keys let whoever reads
# the backup act as the signed-in users until the sessions expire.
DUMPDATA_EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
PG_DUMP_EXCLUDE_DATA = ["django_session"]
# A backup holds every account's password hash and every evidence file: for the operator's account alone.
FOLDER_MODE, FILE_MODE = 0o700, 0o600


class BackupError(Exception):
    """A backup or restore refused, with a message for the operator."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env():
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGHOST": str(db.get("HOST") or ""), "PGPORT": str(db.get("PORT") or ""),
           "PGUSER": str(db.get("USER") or ""), "PGDATABASE": db["NAME"]}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return {key: value for key, value in env.items() if value != ""}


def _run(command):
    try:
        subprocess.run(command, env=_pg_env(), check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(_("Không tìm thấy %(tool)s: hãy cài gói postgresql-client.") % {"tool": command[0]}) from None
    except subprocess.CalledProcessError as failed:
        raise BackupError(f"{command[0]}: {failed.stderr.strip()[-2000:]}") from None


def _media_files():
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def _private(folder):
    """The folder and all it holds readable by its owner only (copies keep their source's mode otherwise)."""
    folder.chmod(FOLDER_MODE)
    for path in folder.rglob("*"):
        path.chmod(FOLDER_MODE if path.is_dir() else FILE_MODE)


def backup_create(*, destination, as_tar=False):
    """Write a backup to `destination` (a new folder, or a .tar file); returns the manifest."""
    destination = Path(destination)
    if destination.exists() and (destination.is_file() or any(destination.iterdir())):
        raise BackupError(_("Nơi lưu bản sao lưu đã có dữ liệu: %(path)s") % {"path": destination})
    if settings.STORAGES["default"]["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        raise BackupError(_("Tệp minh chứng đang ở kho S3: hãy sao lưu kho đó riêng; lệnh này chỉ sao lưu "
                            "tệp trên đĩa."))
    with tempfile.TemporaryDirectory(dir=destination.parent if as_tar else None) as work:
        folder = Path(work) / "backup" if as_tar else destination
        folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        folder.chmod(FOLDER_MODE)  # closed before anything is written into it
        if connection.vendor == "postgresql":
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={folder / PG_DUMP_FILE}",
                  *(f"--exclude-table-data={table}" for table in PG_DUMP_EXCLUDE_DATA)])
            database = {"vendor": "postgresql", "file": PG_DUMP_FILE}
        else:
            call_command("dumpdata", natural_foreign=True, natural_primary=True, exclude=DUMPDATA_EXCLUDE,
                         output=str(folder / JSON_DUMP_FILE), verbosity=0)
            database = {"vendor": connection.vendor, "file": JSON_DUMP_FILE}
        media_root = Path(settings.MEDIA_ROOT)
        for source in _media_files():
            target = folder / MEDIA_DIR / source.relative_to(media_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        files = {path.relative_to(folder).as_posix(): _sha256(path)
                 for path in sorted(folder.rglob("*")) if path.is_file()}
        manifest = {"format": 1, "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                    "database": database, "files": files}
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        _private(folder)
        if as_tar:
            with os.fdopen(os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), "wb") as stream, \
                    tarfile.open(fileobj=stream, mode="w") as archive:
                for path in sorted(folder.rglob("*")):
                    archive.add(path, arcname=path.relative_to(folder).as_posix(), recursive=False)
    return manifest


@contextmanager
def _unpacked(source):
    source = Path(source)
    if source.is_dir():
        yield source
        return
    with tempfile.TemporaryDirectory() as work:
        try:
            with tarfile.open(source) as archive:
                archive.extractall(work, filter="data")  # no absolute paths, links out or devices
        except (tarfile.TarError, OSError) as error:
            raise BackupError(_("Không đọc được tệp sao lưu: %(error)s") % {"error": error}) from None
        yield Path(work)


def manifest_verify(folder):
    """The manifest, once every file it lists is present with its SHA-256 and nothing else is there."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        database = manifest["database"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(_("Bản sao lưu không có manifest.json hợp lệ.")) from None
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()} - {MANIFEST}
    if present != set(files):
        raise BackupError(_("Bản sao lưu không khớp manifest: thiếu %(missing)s, thừa %(extra)s.") % {
            "missing": sorted(set(files) - present) or "—", "extra": sorted(present - set(files)) or "—"})
    for name, digest in files.items():
        if _sha256(folder / name) != digest:
            raise BackupError(_("Tệp %(name)s đã bị thay đổi (SHA-256 không khớp).") % {"name": name})
    if database.get("file") not in files:
        raise BackupError(_("Bản sao lưu không có tệp cơ sở dữ liệu."))
    return manifest


def backup_restore(*, source):
    """Restore a verified backup into an empty database and its media files; returns the manifest."""
    with _unpacked(source) as folder:
        manifest = manifest_verify(folder)
        if connection.introspection.table_names():
            raise BackupError(_("Cơ sở dữ liệu đích không trống: chỉ khôi phục vào một cơ sở dữ liệu mới, trống."))
        media_root = Path(settings.MEDIA_ROOT)
        media = [name for name in manifest["files"] if name.startswith(f"{MEDIA_DIR}/")]
        clashes = [name for name in media if (media_root / name.removeprefix(f"{MEDIA_DIR}/")).exists()]
        if clashes:
            raise BackupError(_("Thư mục MEDIA_ROOT đã có tệp trùng tên (%(name)s): hãy khôi phục vào thư mục trống.")
                              % {"name": clashes[0]})
        database = manifest["database"]
        if database["vendor"] == "postgresql":
            if connection.vendor != "postgresql":
                raise BackupError(_("Bản sao lưu PostgreSQL chỉ khôi phục được vào PostgreSQL."))
            connection.close()
            _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                  f"--dbname={settings.DATABASES['default']['NAME']}", str(folder / database["file"])])
        else:
            call_command("migrate", verbosity=0, interactive=False)
            # the dump holds the history rows: loading must not write new ones (m2m signals would)
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", str(folder / database["file"]), verbosity=0)
        for name in media:
            target = media_root / name.removeprefix(f"{MEDIA_DIR}/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / name, target)
    return manifest
