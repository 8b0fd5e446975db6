"""The cache's keys (CACHES' KEY_FUNCTION)."""
from django.db import connections


def key(key, key_prefix, version):
    """Django's key (prefix, version, key) after the name of the database the entry belongs to, read when the
    key is made: under pytest the test database's (test_NAME), so a test run and a portal on NAME sharing a
    Redis database keep their sessions and fragments apart."""
    return f"{connections['default'].settings_dict['NAME']}:{key_prefix}:{version}:{key}"
