"""Foreign keys of a large import checked once for each row they name, not once for each row written.

PostgreSQL checks a foreign key with a trigger a row: a hundred thousand tasks with their history and their
250,000 unit links queue some 800,000 checks, run at the commit (Django's keys are deferred): about a third of
the confirm's time, though they name one plan, a few sections, a few units and one user. The confirm of a large
import (`services._write_kept`) therefore writes with the per-row checks off for its transaction
(`SET LOCAL session_replication_role = replica`, as `pg_restore --disable-triggers` loads data) and then checks
every key of every row it wrote in one statement a key (`check`): each row the keys name is locked
`FOR KEY SHARE`, as the trigger would lock it, so a unit or a section deleted meanwhile refuses the import, or
waits for it and is then refused itself. A table the transaction wrote without saying so refuses the import
too (`pg_stat_xact_user_tables`): a write added later cannot go unchecked.

The checks stay per row (the database's own triggers) wherever the role may not change the setting, where any
table has triggers of its own (they would not fire either), and on other databases.
"""
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

_WRITES = "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del, n_tup_del FROM pg_stat_xact_user_tables"


class Written:
    """The rows a transaction writes with the per-row key checks off, checked at its end (`check`)."""

    def __init__(self):
        self.on, self.before, self.tables = False, {}, []

    def start(self):
        """Turn the per-row checks off for the rest of the transaction, when allowed; whether they are off."""
        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            return False
        allowed = "current_setting('is_superuser') = 'on'"
        if connection.pg_version >= 150000:
            allowed += " OR has_parameter_privilege('session_replication_role', 'SET')"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT ({allowed}) AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE NOT tgisinternal)")  # noqa: S608 - no value in it
            if not cursor.fetchone()[0]:
                return False
            cursor.execute(_WRITES)
            self.before = {table: (changed, deleted) for table, changed, deleted in cursor.fetchall()}
            cursor.execute("SET LOCAL session_replication_role = replica")
        self.on = True
        return True

    def add(self, model, where, params, *, own=()):
        """Rows of `model` the transaction writes: among those `where` (SQL, with `params`) selects. `own`: the keys
        that name only rows this transaction wrote itself (a unit link's item), none of which anyone else can
        delete before it ends, so neither checked nor locked."""
        if self.on:
            self.tables.append((model, where, list(params), set(own)))

    def add_new(self, model, *, own=()):
        """Rows of `model` the transaction inserts from now on (all it writes of that table): those whose key is
        greater than any there now (keys drawn from the table's sequence later are)."""
        if self.on:
            key = model._meta.pk.column
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT max({connection.ops.quote_name(key)}) FROM "  # noqa: S608 - names from _meta
                               f"{connection.ops.quote_name(model._meta.db_table)}")
                self.add(model, f"{connection.ops.quote_name(key)} > %s", [cursor.fetchone()[0] or 0], own=own)

    def check(self):
        """Check and lock what every row written names, turn the per-row checks back on; ValidationError (the
        caller's transaction is then rolled back) when a row names what is no longer there."""
        if not self.on:
            return
        quote = connection.ops.quote_name
        named = {}  # (table, key column) -> ids named
        with connection.cursor() as cursor:
            self._all_checked(cursor)
            for model, where, params, own in self.tables:
                keys = [field for field in model._meta.concrete_fields if field.is_relation
                        and getattr(field, "db_constraint", False) and field.name not in own]
                if not keys:
                    continue
                table = quote(model._meta.db_table)
                distinct = [f"ARRAY(SELECT DISTINCT {quote(key.column)} FROM {table} WHERE {where})"  # noqa: S608 - names from _meta, values as parameters
                            for key in keys]
                cursor.execute(f"SELECT {', '.join(distinct)}", params * len(keys))
                for key, ids in zip(keys, cursor.fetchone(), strict=True):
                    target = key.target_field
                    named.setdefault((target.model._meta.db_table, target.column), set()).update(
                        pk for pk in ids or () if pk is not None)
            missing = 0
            for (table, column), ids in named.items():
                cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {quote(table)} WHERE {quote(column)} = ANY(%s) "  # noqa: S608 - names from _meta, values as parameters
                               f"FOR KEY SHARE) locked", [sorted(ids)])
                missing += len(ids) - cursor.fetchone()[0]
            cursor.execute("SET LOCAL session_replication_role = origin")
        self.on = False
        if missing:
            raise ValidationError(_("Một đơn vị, phần hoặc mục mà tệp nêu đã bị xoá trong lúc nhập; không có gì được "
                                    "ghi. Hãy tải tệp lên lại để xem trước."))

    def _all_checked(self, cursor):
        """Refuse a transaction that wrote a table with the checks off without saying so (`add`), or deleted rows
        of a table other tables name."""
        tables = {model._meta.db_table for model, _where, _params, _own in self.tables}
        cursor.execute(_WRITES)
        for table, changed, deleted in cursor.fetchall():
            was_changed, was_deleted = self.before.get(table, (0, 0))
            if changed > was_changed and table not in tables:
                raise RuntimeError(f"{table} written with the key checks off, not checked")
            if deleted > was_deleted and _referenced(cursor, table):
                raise RuntimeError(f"rows of {table}, which other tables name, deleted with the key checks off")


def _referenced(cursor, table):
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = %s::regclass)",
                   [table])
    return cursor.fetchone()[0]
