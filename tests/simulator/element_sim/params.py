"""Typed access to JSON-RPC params: xMissingParameter / xInvalidParameterType like a cluster."""
from __future__ import annotations

from .errors import ApiError

_MISSING = object()

_TYPE_NAMES = {
    "int": "integer",
    "bool": "boolean",
    "str": "string",
    "dict": "JSON object",
    "list": "array",
    "number": "number",
}


def _type_ok(value, kind: str) -> bool:
    """Tell whether a JSON value has the wanted kind (a bool is never an int or a number)."""
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if kind == "dict":
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    raise ValueError(kind)


class Params:
    """Wraps a request's params object."""

    def __init__(self, params: dict):
        self.raw = params

    def _get(self, name: str, kind: str, default, *, required: bool):
        value = self.raw.get(name, _MISSING)
        if value is _MISSING or (value is None and required):
            if required:
                raise ApiError("xMissingParameter", f"The parameter '{name}' is required but was not provided.")
            return default
        if value is None:
            return default
        if not _type_ok(value, kind):
            raise ApiError("xInvalidParameterType",
                           f"Invalid type for parameter '{name}': expected {_TYPE_NAMES[kind]}, got {type(value).__name__}.")
        return value

    def req(self, name: str, kind: str):
        """A required parameter of the given kind."""
        return self._get(name, kind, None, required=True)

    def opt(self, name: str, kind: str, default=None):
        """An optional parameter; absent or null gives the default."""
        return self._get(name, kind, default, required=False)

    def int_list(self, name: str) -> list | None:
        """An optional list of integers."""
        values = self.opt(name, "list")
        if values is None:
            return None
        for item in values:
            if not _type_ok(item, "int"):
                raise ApiError("xInvalidParameterType", f"Invalid type for parameter '{name}': expected an array of integers.")
        return values

    def str_list(self, name: str) -> list | None:
        """An optional list of strings."""
        values = self.opt(name, "list")
        if values is None:
            return None
        for item in values:
            if not isinstance(item, str):
                raise ApiError("xInvalidParameterType", f"Invalid type for parameter '{name}': expected an array of strings.")
        return values
