"""Config errors people can act on: `config.toml: rules[2].params.max: must be <= 1 (got 3)`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ConfigError(Exception):
    """One or more problems in a config file, each as (dotted key, what is wrong and the fix)."""

    def __init__(self, source: str, problems: Sequence[tuple[str, str]]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = []
        for key, message in self.problems:
            where = f"{self.source}: {key}" if key else self.source
            lines.append(f"{where}: {message}")
        return "\n".join(lines)


def dotted(location: Sequence[int | str]) -> str:
    """('rules', 2, 'params', 'max') -> 'rules[2].params.max'."""
    out = ""
    for part in location:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "list[", "dict[")):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_WORDS = {
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "a quoted string",
    "list_type": 'a list, e.g. ["a", "b"]',
    "dict_type": 'a table, e.g. { key = "value" }',
    "model_type": "a table",
    "model_attributes_type": "a table",
}


def describe(error: Any) -> tuple[str, str]:
    """Turn one pydantic error into (dotted key, plain-language message with the fix)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    key = dotted(error["loc"])
    got = _shown(error.get("input"))
    if kind == "missing":
        return key, "is required; add it"
    if kind == "extra_forbidden":
        return key, "is not a known key; check its spelling against config.example.toml"
    bounds = {
        "less_than_equal": ("<=", "le"),
        "less_than": ("<", "lt"),
        "greater_than_equal": (">=", "ge"),
        "greater_than": (">", "gt"),
    }
    if kind in bounds:
        op, name = bounds[kind]
        limit = ctx.get(name)
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        return key, f"must be {op} {limit} (got {got})"
    if kind == "literal_error":
        return key, f"must be one of {ctx.get('expected')} (got {got})"
    if kind in _TYPE_WORDS:
        return key, f"must be {_TYPE_WORDS[kind]} (got {got})"
    if kind in ("too_short", "too_long"):
        limit = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        word = "at least" if kind == "too_short" else "at most"
        return key, f"must have {word} {limit} item(s) (got {ctx.get('actual_length')})"
    if kind == "value_error":
        return key, str(error["msg"]).removeprefix("Value error, ")
    return key, f"{error['msg'][:1].lower()}{error['msg'][1:]} (got {got})"
