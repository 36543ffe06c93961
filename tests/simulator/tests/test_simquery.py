"""simquery: the small path syntax the shell helpers use instead of eval."""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# pylint: disable=wrong-import-position
from simquery import QueryError, query, render  # noqa: E402

LOG = {"calls": [
    {"id": 1, "method": "GetAsyncResult", "params": {"asyncHandle": 100, "keepResult": True}, "httpStatus": 200},
    {"id": 2, "method": "CloneVolume", "params": {"name": "a-clone-1"}, "httpStatus": 200},
    {"id": 3, "method": "GetAsyncResult", "params": {"asyncHandle": 101, "keepResult": False}, "httpStatus": 401},
]}


@pytest.mark.parametrize("path, expected", [
    ("calls.0.id", 1),
    ("calls.-1.params.asyncHandle", 101),
    ("calls.method", ["GetAsyncResult", "CloneVolume", "GetAsyncResult"]),
    ("calls.method|unique", ["GetAsyncResult", "CloneVolume"]),
    ("calls.method|unique|sort", ["CloneVolume", "GetAsyncResult"]),
    ("calls[?method==GetAsyncResult]|length", 2),
    ("calls[?method==GetAsyncResult][?params.keepResult==true].params.asyncHandle", [100]),
    ("calls[?params.keepResult==false].id|first", 3),
    ("calls[?httpStatus!=200].id", [3]),
    ("calls[?params.name*=-clone-].params.name", ["a-clone-1"]),
    ("calls[?params.asyncHandle==101].params.keepResult|last", False),
    ("calls[?params.keepResult==1]", []),  # true is not 1
    ("calls.params.missing", [None, None, None]),
    ("absent", None),
    ("calls|length", 3),
])
def test_query(path, expected):
    """Members, indexes, projections over lists, filters and functions."""
    assert query(LOG, path) == expected


@pytest.mark.parametrize("path", ["calls.9", "calls|nope", "calls[?method=GetAsyncResult]", "calls[?a==b", "calls.0.id.0",
                                  "calls[?method==X]|first"])
def test_bad_paths(path):
    """A path that does not parse or does not fit is an error, never a guess."""
    with pytest.raises(QueryError):
        query(LOG, path)


def test_render():
    """Strings as they are, the rest as JSON."""
    assert [render(v) for v in ("x", 3, True, None, [1, "a"])] == ["x", "3", "true", "null", '[1, "a"]']
