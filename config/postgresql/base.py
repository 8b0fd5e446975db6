"""PostgreSQL as Django's own backend has it, with the join condition's types compared once per pair of fields.

Django's PostgreSQL backend asks both fields of every join for their column type (`db_type`, computed afresh
each time) to decide whether one side needs a cast: 3% of a page's server CPU on pages of a dozen queries
with joins. The schema does not change while the portal runs, so the answer is kept per pair of fields.
"""
from django.db.backends.postgresql import base, operations
from django.db.models.expressions import Col
from django.db.models.functions import Cast


class DatabaseOperations(operations.DatabaseOperations):
    def prepare_join_on_clause(self, lhs_table, lhs_field, rhs_table, rhs_field):
        casts = self.__dict__.setdefault("_join_casts", {})
        key = (lhs_field, rhs_field)
        if key not in casts:
            casts[key] = lhs_field.db_type(self.connection) != rhs_field.db_type(self.connection)
        rhs_expr = Col(rhs_table, rhs_field)
        return Col(lhs_table, lhs_field), Cast(rhs_expr, lhs_field) if casts[key] else rhs_expr


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
