"""Queries every request makes, with the SQL Django compiles for them kept for the life of the process.

Django builds and compiles a queryset's SQL anew each time it runs. For the small queries behind every page
(the session, the signed-in user with the bell's count, the user's units) that cost four to five times what
running them does. A `PreparedQuery` asks Django to compile its queryset once, with marker values in place of
the request's own, and then runs that SQL with each request's values put where the markers were.

The SQL is Django's own, so the rows are the queryset's rows: `tests/test_prepared_queries.py` holds them equal.
Only on PostgreSQL (the portal's database in production and in the tests); elsewhere (the newcomer's SQLite)
the queryset runs as usual.
"""
from django.core.exceptions import ImproperlyConfigured
from django.db import connections


class PreparedQuery:
    """The rows of the values_list queryset `build(*values)`.

    `markers` are values `build` is first called with to compile the SQL: each must appear once among the
    compiled parameters, so choose values no constant of the query could equal. Their types are those of the
    values later passed to `rows`.
    """

    def __init__(self, build, *markers, using="default"):
        self.build, self.markers, self.using = build, markers, using
        self._compiled = None

    def rows(self, *values):
        connection = connections[self.using]
        if connection.vendor != "postgresql":
            return list(self.build(*values))
        if self._compiled is None:
            self._compiled = self._compile(connection)
        sql, params, places, converters = self._compiled
        params = list(params)
        for place, value in zip(places, values):
            params[place] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [self._converted(row, converters, connection) for row in rows]
        return rows

    def _compile(self, connection):
        compiler = self.build(*self.markers).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        places = []
        for marker in self.markers:
            found = [place for place, param in enumerate(params) if type(param) is type(marker) and param == marker]
            if len(found) != 1:
                raise ImproperlyConfigured(f"The marker {marker!r} is {len(found)} times among the parameters of {sql}")
            places.append(found[0])
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
        return sql, tuple(params), places, converters

    @staticmethod
    def _converted(row, converters, connection):
        row = list(row)
        for place, (functions, expression) in converters.items():
            value = row[place]
            for function in functions:
                value = function(value, expression, connection)
            row[place] = value
        return tuple(row)
