"""The API error raised by simulator methods and turned into a JSON-RPC error envelope."""
from __future__ import annotations

DEFAULT_CODE = 500


class ApiError(Exception):
    """An Element API error: answered as {"error": {"code", "name", "message", ...}}."""

    def __init__(self, name: str, message: str, code: int = DEFAULT_CODE, extra: dict | None = None):
        super().__init__(message)
        self.name = name
        self.message = message
        self.code = code
        self.extra = dict(extra or {})

    def to_dict(self) -> dict:
        """Return the error object as the API sends it."""
        body = dict(self.extra)
        body.update({"code": self.code, "name": self.name, "message": self.message})
        return body


def invalid(message: str) -> ApiError:
    """Shorthand for xInvalidParameter."""
    return ApiError("xInvalidParameter", message)
