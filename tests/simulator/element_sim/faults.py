"""Fault injection rules (SimSetFaults): which non-Sim request gets which fault."""
from __future__ import annotations

import threading

from . import clock
from .errors import ApiError, invalid

KINDS = ("http_status", "drop", "slow", "api_error", "down", "non_json", "unauthorized")
_KIND_PARAMS = {
    "http_status": ("status", "body"),
    "drop": (),
    "slow": ("seconds",),
    "api_error": ("name", "message"),
    "down": ("seconds",),
    "non_json": ("body",),
    "unauthorized": (),
}


def _check_number(rule: dict, key: str, required: bool) -> None:
    value = rule.get(key)
    if value is None:
        if required:
            raise ApiError("xMissingParameter", f"Fault rule of kind '{rule['kind']}' needs '{key}'.")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ApiError("xInvalidParameterType", f"Fault rule '{key}' must be a non-negative number.")


def normalize(rule) -> dict:
    """Validate one rule and fill in its defaults."""
    if not isinstance(rule, dict):
        raise ApiError("xInvalidParameterType", "Each fault rule must be a JSON object.")
    kind = rule.get("kind")
    if kind not in KINDS:
        raise invalid(f"Unknown fault kind {kind!r}; expected one of {', '.join(KINDS)}.")
    methods = rule.get("methods")
    if methods is not None and (not isinstance(methods, list) or not all(isinstance(m, str) for m in methods)):
        raise ApiError("xInvalidParameterType", "Fault rule 'methods' must be an array of method names.")
    out = {"kind": kind, "methods": methods, "count": rule.get("count", 1 if kind == "down" else None),
           "skip": rule.get("skip", 0)}
    for key in ("count", "skip"):
        _check_number(out, key, False)
    for key in _KIND_PARAMS[kind]:
        if key in rule:
            out[key] = rule[key]
    if kind == "http_status":
        _check_number(out, "status", True)
    if kind in ("slow", "down"):
        _check_number(out, "seconds", True)
    if kind == "api_error":
        out.setdefault("name", "xDBVersionMismatch")
        out.setdefault("message", f"Simulated {out['name']}.")
    return out


class FaultTable:
    """The ordered rules plus an active outage window ('down')."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rules: list[dict] = []
        self.down_until = 0.0

    def set(self, rules: list) -> list:
        """Replace every rule (an empty list clears them and ends an outage)."""
        normalized = [normalize(r) for r in rules]
        with self.lock:
            self.rules = normalized
            self.down_until = 0.0
            return self.snapshot()

    def snapshot(self) -> list:
        """The rules with their remaining budgets."""
        return [dict(r) for r in self.rules]

    def pick(self, method: str | None) -> dict | None:
        """The fault for a non-Sim request (consuming budget), or None."""
        with self.lock:
            now = clock.mono()
            if now < self.down_until:
                return {"kind": "down"}
            for rule in self.rules:
                if rule["count"] is not None and rule["count"] <= 0:
                    continue
                if rule["methods"] is not None and method not in rule["methods"]:
                    continue
                if rule["skip"] > 0:
                    rule["skip"] -= 1
                    return None
                if rule["count"] is not None:
                    rule["count"] -= 1
                if rule["kind"] == "down":
                    self.down_until = now + float(rule["seconds"])
                return dict(rule)
            return None
