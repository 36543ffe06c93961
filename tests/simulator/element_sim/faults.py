"""Fault injection rules (SimSetFaults): which non-Sim request gets which fault."""
from __future__ import annotations

import threading

from . import clock
from .errors import DEFAULT_CODE, ApiError, invalid

KINDS = ("http_status", "drop", "slow", "api_error", "down", "non_json", "unauthorized",
         "drip", "stall", "endless", "shape", "lost_answer", "cut")
_KIND_PARAMS = {
    "http_status": ("status", "body"),
    "drop": (),
    "slow": ("seconds",),
    "api_error": ("name", "message", "httpStatus", "code"),
    "down": ("seconds",),
    "non_json": ("body",),
    "unauthorized": (),
    "drip": ("chunk", "interval", "phase", "pad"),
    "stall": ("phase", "seconds"),
    "endless": ("length", "chunked", "seconds"),
    "shape": ("set", "unset"),
    "lost_answer": (),
    "cut": ("bytes",),
}
MAX_SECONDS = 600  # the longest any fault may hold a connection (slow, stall, endless, drip)
MAX_PAD = 16 * 1024 * 1024
ENDLESS_LENGTH = 8 * 1024 ** 3
PHASES = {"drip": ("body", "headers"), "stall": ("before_headers", "after_headers")}


def _check_number(rule: dict, key: str, *, required: bool) -> None:
    value = rule.get(key)
    if value is None:
        if required:
            raise ApiError("xMissingParameter", f"Fault rule of kind '{rule['kind']}' needs '{key}'.")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ApiError("xInvalidParameterType", f"Fault rule '{key}' must be a non-negative number.")


def _check_int(rule: dict, key: str, minimum: int = 0, maximum: int | None = None) -> None:
    """An optional integer parameter within [minimum, maximum]."""
    value = rule.get(key)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError("xInvalidParameterType", f"Fault rule '{key}' must be an integer.")
    if value < minimum or (maximum is not None and value > maximum):
        upper = "" if maximum is None else f" and at most {maximum}"
        raise invalid(f"Fault rule '{key}' of kind '{rule['kind']}' must be at least {minimum}{upper}; got {value}.")


def _check_seconds(rule: dict, key: str, *, required: bool, maximum: float = MAX_SECONDS) -> None:
    """A duration: a non-negative number, at most maximum."""
    _check_number(rule, key, required=required)
    if rule.get(key) is not None and rule[key] > maximum:
        raise invalid(f"Fault rule '{key}' of kind '{rule['kind']}' must be at most {maximum} seconds; got {rule[key]}.")


def _check_phase(rule: dict) -> None:
    choices = PHASES[rule["kind"]]
    rule.setdefault("phase", choices[0])
    if rule["phase"] not in choices:
        raise invalid(f"Fault rule 'phase' of kind '{rule['kind']}' must be one of {', '.join(choices)}; got {rule['phase']!r}.")


def _http_status(rule: dict) -> None:
    _check_number(rule, "status", required=True)


def _slow(rule: dict) -> None:
    _check_seconds(rule, "seconds", required=True)


def _down(rule: dict) -> None:
    _check_number(rule, "seconds", required=True)  # an outage window, not a wait: no upper bound


def _api_error(rule: dict) -> None:
    rule.setdefault("name", "xDBVersionMismatch")
    rule.setdefault("message", f"Simulated {rule['name']}.")
    rule.setdefault("httpStatus", 200)
    rule.setdefault("code", DEFAULT_CODE)
    _check_int(rule, "httpStatus", 100, 599)
    _check_int(rule, "code", -(2 ** 31), 2 ** 31 - 1)


def _drip(rule: dict) -> None:
    rule.update({key: rule.get(key, default) for key, default in (("chunk", 1), ("interval", 0.5), ("pad", 0))})
    _check_int(rule, "chunk", 1)
    _check_seconds(rule, "interval", required=False, maximum=60)
    _check_int(rule, "pad", 0, MAX_PAD)
    _check_phase(rule)


def _stall(rule: dict) -> None:
    _check_seconds(rule, "seconds", required=True)
    _check_phase(rule)


def _endless(rule: dict) -> None:
    rule.update({key: rule.get(key, default) for key, default in (("length", ENDLESS_LENGTH), ("chunked", False), ("seconds", 120))})
    _check_int(rule, "length", 1, 2 ** 62)
    _check_seconds(rule, "seconds", required=False)
    if not isinstance(rule["chunked"], bool):
        raise ApiError("xInvalidParameterType", "Fault rule 'chunked' must be a boolean.")


def _shape(rule: dict) -> None:
    rule.setdefault("set", {})
    rule.setdefault("unset", [])
    if not isinstance(rule["set"], dict):
        raise ApiError("xInvalidParameterType", "Fault rule 'set' must be a JSON object (keys to set in the result).")
    if not isinstance(rule["unset"], list) or not all(isinstance(key, str) for key in rule["unset"]):
        raise ApiError("xInvalidParameterType", "Fault rule 'unset' must be an array of key names (keys to remove from the result).")


def _cut(rule: dict) -> None:
    _check_int(rule, "bytes", 0)


_CHECKS = {"http_status": _http_status, "slow": _slow, "down": _down, "api_error": _api_error, "drip": _drip,
           "stall": _stall, "endless": _endless, "shape": _shape, "cut": _cut}


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
        _check_number(out, key, required=False)
    for key in _KIND_PARAMS[kind]:
        if key in rule:
            out[key] = rule[key]
    if kind in _CHECKS:
        _CHECKS[kind](out)
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
