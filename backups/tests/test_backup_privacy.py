"""A backup is for the operator alone: files 0600, folders 0700, and no session that would let its reader act
as a signed-in user."""
import os
import stat
import subprocess
import tarfile

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection

from backups.services import PG_DUMP_FILE, _pg_env

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in_session(client, users, tmp_path):
    client.force_login(users["phulam-officer"])
    assert Session.objects.exists()
    media = tmp_path / "media" / "evidence"
    media.mkdir(parents=True)
    (media / "bien-ban.pdf").write_bytes(b"%PDF-1.4 x")
    os.chmod(media / "bien-ban.pdf", 0o644)  # as uploads are stored: the copy must not keep it
    return client.session.session_key


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_folder_is_readable_by_its_owner_only(signed_in_session, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))
    paths = [backup, *backup.rglob("*")]
    assert any(path.name == "bien-ban.pdf" for path in paths)
    assert {str(path.relative_to(tmp_path)): _mode(path) for path in paths} == {
        str(path.relative_to(tmp_path)): 0o700 if path.is_dir() else 0o600 for path in paths}


def test_a_backup_tar_and_what_it_holds_are_readable_by_their_owner_only(signed_in_session, tmp_path):
    backup = tmp_path / "backup.tar"
    call_command("backup", str(backup), tar=True, stdout=open(os.devnull, "w"))
    assert _mode(backup) == 0o600
    with tarfile.open(backup) as archive:
        members = archive.getmembers()
    assert members and all(member.mode == (0o700 if member.isdir() else 0o600) for member in members)


@pytest.mark.django_db(transaction=True)  # the session committed, where pg_dump sees it
def test_a_backup_holds_no_session(signed_in_session, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump's exclusion: needs PostgreSQL (set DATABASE_URL)")
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))
    listing = subprocess.run(["pg_restore", "--list", str(backup / PG_DUMP_FILE)], env=_pg_env(), check=True,
                             capture_output=True, text=True).stdout
    assert "TABLE DATA public plans_plan" in listing  # the dump holds the data
    assert "TABLE public django_session" in listing  # and the table, so a restored portal can sign people in
    assert "TABLE DATA public django_session" not in listing
    data = subprocess.run(["pg_restore", "--data-only", "--file=-", str(backup / PG_DUMP_FILE)], env=_pg_env(),
                          check=True, capture_output=True).stdout
    assert signed_in_session.encode() not in data
