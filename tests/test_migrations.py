"""The test database is made from the models (--nomigrations, pyproject.toml): the migrations must make the same."""
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_the_migrations_make_what_the_models_say(tmp_path):
    # In a process of its own: pytest-django has turned the migrations off in this one.
    env = {"PATH": str(Path(sys.executable).parent), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"models changed without a migration:\n{result.stdout}{result.stderr}"
