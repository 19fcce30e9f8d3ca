"""Regular expressions that can never hang the bot: RE2 only, bounded, checked at config load."""

from __future__ import annotations

from typing import Any

import re2

MAX_PATTERN_CHARS = 260
MAX_PATTERNS_PER_RULE = 10
_USER_MAX_MEM = 8 << 20


class PatternError(ValueError):
    """A pattern modbot refuses, with the reason and the fix in its message."""


def _options(case_sensitive: bool, max_mem: int) -> Any:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = max_mem
    options.case_sensitive = case_sensitive
    return options


def compile_re2(pattern: str, *, case_sensitive: bool = True, max_mem: int = 64 << 20) -> Any:
    """Compile one of modbot's own patterns with RE2 (linear time, no backtracking)."""
    return re2.compile(pattern, _options(case_sensitive, max_mem))


def compile_user_pattern(pattern: str, *, case_sensitive: bool = False) -> Any:
    """Compile a moderator-written pattern, or raise PatternError saying why and how to fix it.

    Accepted patterns run on RE2, in time linear in the text. Refused: longer than 260
    characters, backreferences and lookaround (RE2 cannot run them), and nested quantifiers
    such as `(a+)+`, which RE2 would run but which hang every backtracking engine a policy
    might be copied to; they never say more than the pattern without the outer quantifier.
    """
    if not pattern:
        raise PatternError("is empty; write the text to match, e.g. 'free nitro'")
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(
            f"is {len(pattern)} characters long; the limit is {MAX_PATTERN_CHARS} "
            "(split it into several patterns)"
        )
    nested = find_nested_quantifier(pattern)
    if nested is not None:
        raise PatternError(
            f"has a nested quantifier {nested!r}, which backtracks catastrophically; "
            "drop the outer quantifier (e.g. '(a+)+$' -> 'a+$')"
        )
    try:
        return re2.compile(pattern, _options(case_sensitive, _USER_MAX_MEM))
    except re2.error as exc:
        raise PatternError(_explain(exc, pattern)) from None


_NAMED_BACKREFERENCES = ("(?P=", "\\k<", "\\k{", "\\g")


def _explain(exc: Exception, pattern: str) -> str:
    raw = exc.args[0] if exc.args else exc
    detail = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    numbered = "invalid escape sequence: \\" in detail and detail[-1:].isdigit()
    if numbered or any(marker in pattern for marker in _NAMED_BACKREFERENCES):
        return "uses a backreference, which RE2 cannot run in linear time; match the text itself"
    if "invalid perl operator: (?=" in detail or "invalid perl operator: (?!" in detail:
        return "uses lookahead, which RE2 does not support; match the text itself instead"
    if "invalid perl operator: (?<" in detail:
        return "uses lookbehind, which RE2 does not support; match the text itself instead"
    if "pattern too large" in detail:
        return "compiles to a program too large for the 8 MiB limit; simplify it"
    return f"is not valid RE2 syntax ({detail}); see https://github.com/google/re2/wiki/Syntax"


def find_nested_quantifier(pattern: str) -> str | None:
    """Return the first quantified group that itself holds a quantifier, e.g. '(a+)+'."""
    groups: list[tuple[int, bool]] = []  # (start index, holds a repeat)
    index = 0
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _skip_class(pattern, index)
            continue
        if char == "(":
            groups.append((index, False))
        elif char == ")" and groups:
            start, holds_repeat = groups.pop()
            end = _quantifier_end(pattern, index + 1, exact=True)
            if end is not None and holds_repeat:
                return pattern[start:end]
            repeats = _quantifier_end(pattern, index + 1) is not None
            if groups and (holds_repeat or repeats):
                groups[-1] = (groups[-1][0], True)
            index = end if end is not None else index + 1
            continue
        elif _quantifier_end(pattern, index) is not None and groups:
            groups[-1] = (groups[-1][0], True)
        index += 1
    return None


def _skip_class(pattern: str, index: int) -> int:
    index += 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


def _quantifier_end(pattern: str, index: int, *, exact: bool = False) -> int | None:
    """End of a repeating quantifier (*, +, {n,}, {n,m} with m > 1) starting at index; with
    `exact`, a fixed count {n} with n > 1 counts too (`(.*a){20}` nests as badly as `+`)."""
    if index >= len(pattern):
        return None
    char = pattern[index]
    if char in "*+":
        end = index + 1
    elif char == "{":
        close = pattern.find("}", index)
        if close < 0:
            return None
        bounds = pattern[index + 1 : close].split(",")
        if not all(part.strip().isdigit() or part.strip() == "" for part in bounds):
            return None
        if len(bounds) == 1:
            if not exact or not bounds[0].strip() or int(bounds[0]) <= 1:
                return None
        elif bounds[1].strip() and int(bounds[1]) <= 1:
            return None
        end = close + 1
    else:
        return None
    if end < len(pattern) and pattern[end] in "?+":
        end += 1
    return end
