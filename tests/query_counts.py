"""Exact query counts, each query named: a failure lists the SQL run beside the names pinned."""
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_check(captured, named, what):
    """Fail unless `captured` ran exactly one query for each of `named`, listing both side by side."""
    if len(captured) == len(named):
        return
    lines = [f"{what}: {len(captured)} queries, {len(named)} pinned"]
    for index in range(max(len(captured), len(named))):
        name = named[index] if index < len(named) else "(not pinned)"
        sql = captured[index]["sql"] if index < len(captured) else "(not run)"
        lines.append(f"{index + 1:>3}. {name}\n       {sql}")
    pytest.fail("\n".join(lines), pytrace=False)


@contextmanager
def exact_queries(named, what):
    with CaptureQueriesContext(connection) as captured:
        yield captured
    queries_check(captured, named, what)


def pinned_get(client, url, named):
    """GET url after a first, warming GET, and fail unless the second ran exactly the queries `named`: the first
    may fill caches that later requests, like a user's, find warm."""
    assert client.get(url).status_code == 200
    with exact_queries(named, url):
        response = client.get(url)
    assert response.status_code == 200
    return response
