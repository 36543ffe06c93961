"""A fixed, small path syntax to pick values out of JSON answers in shell scripts (no eval, no jq).

    python3 simquery.py PATH < answer.json        (simctl.py --query PATH does the same with a call's result)

A PATH is steps separated by `.`, then optional `|function`s:
    name            on an object: its member (null when absent); on a list: that member of every element
    N  (-N)         on a list: the element at index N (negative: from the end)
    [?F==V]         on a list: the elements whose field F (itself a dotted path) equals V;
                    also F!=V (not equal) and F*=V (F is a string containing V)
                    V is JSON (100, true, null, "text") or else taken as a plain string (CloneVolume)
    |length  |unique (first occurrences, in order)  |sort  |first  |last
The answer is printed as is when it is a string, else as JSON (`[1, 2]`, `true`, `null`).

    calls[?method==GetAsyncResult].params.keepResult|unique     -> [true, false]
    volumes[?name*=-clone-].name|unique|length                   -> 10
    asyncHandles[?completed==false].asyncResultID.0              -> 104
"""
from __future__ import annotations

import json
import re
import sys

_FILTER = re.compile(r"^\[\?(?P<field>[A-Za-z0-9_.]+)(?P<op>==|!=|\*=)(?P<value>.*)\]$")
_FUNCTIONS = ("length", "unique", "sort", "first", "last")


class QueryError(ValueError):
    """A path that does not parse, or does not fit the data."""


def _split(path: str) -> tuple[list[str], list[str]]:
    """Steps and functions of a path; `[...]` segments are steps of their own and may hold dots."""
    body, *functions = path.split("|")
    for function in functions:
        if function.strip() not in _FUNCTIONS:
            raise QueryError(f"unknown function |{function} (known: {', '.join(_FUNCTIONS)})")
    steps, current, depth = [], "", 0
    for char in body:
        if char == "[":
            if depth == 0 and current:
                steps.append(current)
                current = ""
            depth += 1
        elif char == "]":
            depth -= 1
            if depth < 0:
                raise QueryError(f"unbalanced ] in {path!r}")
        if char == "." and depth == 0:
            if current:
                steps.append(current)
            current = ""
            continue
        current += char
        if char == "]" and depth == 0:
            steps.append(current)
            current = ""
    if depth:
        raise QueryError(f"unbalanced [ in {path!r}")
    if current:
        steps.append(current)
    return steps, [function.strip() for function in functions]


def _literal(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text


def _same(left, right) -> bool:
    """Equality without Python's True == 1."""
    return isinstance(left, bool) == isinstance(right, bool) and left == right


def _get(value, path: str):
    for step in _split(path)[0]:
        value = _step(value, step)
    return value


def _step(value, step: str):
    match = _FILTER.match(step)
    if match:
        if not isinstance(value, list):
            raise QueryError(f"{step} needs a list, got {type(value).__name__}")
        wanted, op = _literal(match["value"]), match["op"]
        kept = []
        for item in value:
            field = _get(item, match["field"])
            if op == "==":
                keep = _same(field, wanted)
            elif op == "!=":
                keep = not _same(field, wanted)
            else:
                keep = isinstance(field, str) and str(wanted) in field
            if keep:
                kept.append(item)
        return kept
    if re.fullmatch(r"-?[0-9]+", step):
        if not isinstance(value, list):
            raise QueryError(f"index {step} needs a list, got {type(value).__name__}")
        try:
            return value[int(step)]
        except IndexError:
            raise QueryError(f"index {step} is out of range (the list has {len(value)} elements)") from None
    if step.startswith("["):
        raise QueryError(f"cannot parse the step {step!r}")
    if isinstance(value, list):
        return [item.get(step) if isinstance(item, dict) else None for item in value]
    if isinstance(value, dict):
        return value.get(step)
    return None


def _apply(value, function: str):
    if function == "length":
        return len(value)
    if not isinstance(value, list):
        raise QueryError(f"|{function} needs a list, got {type(value).__name__}")
    if function == "unique":
        unique = []
        for item in value:
            if not any(_same(item, seen) for seen in unique):
                unique.append(item)
        return unique
    if function == "sort":
        return sorted(value)
    if not value:
        raise QueryError(f"|{function} of an empty list")
    return value[0] if function == "first" else value[-1]


def query(data, path: str):
    """The value PATH selects in DATA (see the module docstring)."""
    steps, functions = _split(path)
    value = data
    for step in steps:
        value = _step(value, step)
    for function in functions:
        value = _apply(value, function)
    return value


def render(value) -> str:
    """A string as is; anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def main(argv=None) -> int:
    """simquery.py PATH < json: print the selected value."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write("usage: simquery.py PATH < json\n")
        return 2
    try:
        sys.stdout.write(render(query(json.load(sys.stdin), argv[0])) + "\n")
    except ValueError as exc:  # QueryError or a body that is not JSON
        sys.stderr.write(f"simquery: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
