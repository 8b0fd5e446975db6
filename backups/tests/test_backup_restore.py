"""manage.py backup and restore: a backup restored into a new, empty PostgreSQL database holds everything."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from backups.services import BackupError, backup_restore
from evidence.services import evidence_review
from tasks.models import Task
from tasks.services import task_progress_report
from tests import files

ROOT = Path(__file__).resolve().parent.parent.parent
# Every row of these tables must come back identical.
TABLES = ["plans_plan", "plans_section", "tasks_task", "tasks_progressupdate", "evidence_evidence",
          "indicators_indicator", "tasks_historicaltask", "evidence_historicalevidence", "people_user"]


def _pg(name):
    db = settings.DATABASES["default"]
    return psycopg2.connect(dbname=name, host=db["HOST"], port=db["PORT"], user=db["USER"],
                            password=db.get("PASSWORD") or None)


@pytest.fixture
def empty_database():
    if connection.vendor != "postgresql":
        pytest.skip("the restore test needs PostgreSQL (set DATABASE_URL)")
    name = f"{settings.DATABASES['default']['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = _pg("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def reviewed_work(demo, django_user_model):
    """A progress update with two evidence files, one accepted and one rejected with a note."""
    users = {u.username: u for u in django_user_model.objects.filter(username__in=["phulam-officer", "phulam-reviewer"])}
    task = Task.objects.get(plan__slug="phu-lam-55kh", ordinal="3")
    task_progress_report(task_id=task.pk, user=users["phulam-officer"], version=task.version, progress=100,
                         period=timezone.localdate().replace(day=1), achievements="Đã ban hành quyết định",
                         uploads=[(files.upload("quyet-dinh.pdf", files.pdf_bytes()), "Quyết định"),
                                  (files.upload("anh.png", files.image_bytes()), "Ảnh sản phẩm")])
    first, second = task.evidence.order_by("pk")
    evidence_review(evidence_id=first.pk, reviewer=users["phulam-reviewer"], accept=True)
    evidence_review(evidence_id=second.pk, reviewer=users["phulam-reviewer"], accept=False, reason="unsigned",
                    note="Thiếu chữ ký")
    return task


def _rows(conn, table):
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - names from _meta, values as parameters
        # Sorted whole: the first column is not unique in every table (a history table's first is the item's id).
        return sorted(cursor.fetchall(), key=repr)


def _restore(source, database, media):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    db = settings.DATABASES["default"]
    env.update(DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{database}", MEDIA_ROOT=str(media))
    return subprocess.run([sys.executable, "manage.py", "restore", str(source)], cwd=ROOT, env=env,
                          capture_output=True, text=True)


@pytest.mark.parametrize("as_tar", [False, True])
@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_finds_everything_intact(reviewed_work, empty_database, tmp_path, as_tar):
    backup = tmp_path / ("backup.tar" if as_tar else "backup")
    call_command("backup", str(backup), tar=as_tar, stdout=open(os.devnull, "w"))
    restored_media = tmp_path / "restored-media"

    result = _restore(backup, empty_database, restored_media)
    assert result.returncode == 0, result.stderr
    assert "Đã khôi phục" in result.stdout

    restored = _pg(empty_database)
    try:
        for table in TABLES:
            source_rows = _rows(connection.connection, table)
            assert source_rows and _rows(restored, table) == source_rows, table
        with restored.cursor() as cursor:
            cursor.execute("SELECT file, sha256, status, review_note FROM evidence_evidence ORDER BY id")
            evidence = cursor.fetchall()
            # sequences come back too: the restored system can add rows
            cursor.execute("INSERT INTO plans_legaldocument (reference, kind, issuer, title) "
                           "SELECT 'x', kind, issuer, title FROM plans_legaldocument LIMIT 1")
    finally:
        restored.close()
    assert [row[2:] for row in evidence] == [("accepted", ""), ("rejected", "Thiếu chữ ký")]
    for path, _sha, _status, _note in evidence:
        assert (restored_media / path).read_bytes() == (Path(settings.MEDIA_ROOT) / path).read_bytes()


@pytest.mark.django_db(transaction=True)
def test_a_tampered_backup_is_refused_and_nothing_is_restored(reviewed_work, empty_database, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))
    evidence_file = next(path for path in (backup / "media").rglob("*") if path.is_file())
    evidence_file.write_bytes(evidence_file.read_bytes() + b"x")

    result = _restore(backup, empty_database, tmp_path / "restored-media")
    assert result.returncode != 0 and "SHA-256" in result.stderr
    restored = _pg(empty_database)
    with restored.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        assert cursor.fetchone()[0] == 0
    restored.close()
    assert not (tmp_path / "restored-media").exists()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(reviewed_work, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))
    with pytest.raises(BackupError, match="không trống"):
        backup_restore(source=backup)


def test_backup_refuses_a_folder_that_holds_something(tmp_path):
    (tmp_path / "old").write_text("x")
    with pytest.raises(BackupError):
        from backups.services import backup_create

        backup_create(destination=tmp_path)
