"""Part (c): modbot's word rule against better_profanity and glin-profanity on evasion probes."""

from __future__ import annotations

import csv
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from _mix import BASE_TIME, print_table

from adapters.fake import FakeAdapter
from rules.base import Context
from rules.normalize import normalize
from rules.words import WordsRule, lexicon_names

INSTALL = "not installed (pip install -e '.[bench]')"
CATCH_TARGET = 0.85
FP_TARGET = 0.05
LANGS = ("en", "id", "all")
Detector = Callable[[str], bool]


def modbot_detector() -> Detector:
    """A WordsRule with every shipped lexicon, on the normalised views of the text."""
    rule = WordsRule(WordsRule.Params(lexicons=lexicon_names()))
    template = FakeAdapter().message("", author="probe", sent_at=BASE_TIME)

    def detect(text: str) -> bool:
        ctx = Context(views=normalize(text), now=BASE_TIME)
        return rule.check(replace(template, text=text), ctx) is not None

    return detect


def better_profanity_detector() -> Detector | str:
    try:
        from better_profanity import profanity
    except ImportError:
        return INSTALL
    profanity.load_censor_words()  # its default English list; it ships no Indonesian one
    return profanity.contains_profanity


def glin_detector() -> Detector | str:
    try:
        from glin_profanity import Filter, FilterConfig
    except ImportError:
        return INSTALL
    # Its "real-time chat" settings, with every evasion option on. It ships no Indonesian
    # dictionary (24 languages, see its README), so English is all it can be given.
    config: FilterConfig = {
        "languages": ["english"],
        "detect_leetspeak": True,
        "leetspeak_level": "aggressive",
        "normalize_unicode": True,
        "obfuscation": "strict",
        "word_boundaries": True,
        "cache_results": False,
    }
    return Filter(config).is_profane


@dataclass
class Score:
    """Per (lang, technique, expected): [flagged, total]; plus time spent and texts seen."""

    counts: dict[tuple[str, str, int], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    seconds: float = 0.0
    texts: int = 0
    public: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # tp, pos, tn, neg

    def rate(self, lang: str, technique: str | None, expected: int) -> float:
        flagged = total = 0
        for (lg, tech, exp), (f, t) in self.counts.items():
            if exp == expected and lang in ("all", lg) and technique in (None, tech):
                flagged, total = flagged + f, total + t
        return flagged / total if total else float("nan")


def read_rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise SystemExit(f"bench: {path} is missing; pass --data PATH (the shared data folder)")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def evaluate(detect: Detector, rows: list[dict[str, str]], public: list[dict[str, str]]) -> Score:
    score = Score()
    start = time.perf_counter()
    for row in rows:
        hit = score.counts[(row["lang"], row["technique"], int(row["expected"]))]
        hit[0] += detect(row["text"])
        hit[1] += 1
    score.seconds = time.perf_counter() - start
    score.texts = len(rows)
    for row in public:
        expected = int(row["expected"])
        flagged = detect(row["text"])
        index = 0 if expected else 2
        score.public[index] += flagged == bool(expected)
        score.public[index + 1] += 1
    return score


def _cell(values: list[float], target: Callable[[float], bool] | None = None) -> str:
    parts = []
    for value in values:
        mark = " " if target is None or target(value) else "!"
        parts.append(f"{value * 100:5.1f}{mark}")
    return " ".join(parts)


def _caught(value: float) -> bool:
    return value >= CATCH_TARGET


def _clean(value: float) -> bool:
    return value <= FP_TARGET


def _catch(technique: str) -> Callable[[Score], str]:
    return lambda s: _cell([s.rate(lg, technique, 1) for lg in LANGS], _caught)


def _worst(score: Score, techniques: list[str]) -> list[float]:
    return [min(score.rate(lg, t, 1) for t in techniques) for lg in LANGS]


def _fps(score: Score) -> list[float]:
    return [score.rate(lg, None, 0) for lg in LANGS]


def _meets(score: Score, techniques: list[str]) -> list[bool]:
    worst, fps = _worst(score, techniques), _fps(score)
    return [_caught(w) and _clean(f) for w, f in zip(worst, fps, strict=True)]


def _yes(flag: bool) -> str:
    return f"{'yes' if flag else 'NO!':>6}"


def _public(score: Score) -> str:
    tp, pos, tn, neg = score.public
    return f"{tp + tn}/{pos + neg} (toxic {tp}/{pos}, clean {tn}/{neg})"


def probes(data: Path, quick: bool) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The synthetic variants (every fourth base message when quick) and the public strings."""
    folder = data / "obfuscation"
    rows = read_rows(folder / "synthetic_variants.csv")
    public = read_rows(folder / "public_test_strings.csv")
    if quick:  # every fourth base message, all 16 techniques
        bases = sorted({r["base_id"] for r in rows})[::4]
        rows = [r for r in rows if r["base_id"] in bases]
    return rows, public


def run(data: Path, quick: bool) -> bool:
    """Print the side-by-side table. True when modbot meets both targets in every language."""
    rows, public = probes(data, quick)
    detectors: dict[str, Detector | str] = {
        "modbot words": modbot_detector(),
        "better_profanity": better_profanity_detector(),
        "glin-profanity": glin_detector(),
    }
    title = (
        f"(c) evasion probes: {len(rows)} synthetic_variants rows"
        f"{' (quick: 1 base message in 4)' if quick else ''} + {len(public)} public test strings;"
        " '!' marks a miss of the target"
    )
    return report(rows, public, detectors, title)


def report(
    rows: list[dict[str, str]],
    public: list[dict[str, str]],
    detectors: dict[str, Detector | str],
    title: str,
    timed: bool = True,
) -> bool:
    """Print one column per detector; True when the first meets both targets everywhere.
    `timed` adds each detector's speed on these texts (off when the scores were computed
    beforehand)."""
    techniques = list(dict.fromkeys(r["technique"] for r in rows))
    scores = {
        name: evaluate(d, rows, public) for name, d in detectors.items() if not isinstance(d, str)
    }
    spec: list[tuple[str, str, Callable[[Score], str]]] = [
        (f"caught: {tech}", ">= 85%", _catch(tech)) for tech in techniques
    ]
    spec += [
        ("caught: worst technique", ">= 85%", lambda s: _cell(_worst(s, techniques), _caught)),
        ("caught: all techniques", "", lambda s: _cell([s.rate(lg, None, 1) for lg in LANGS])),
        ("false positives (expected=0)", "<= 5%", lambda s: _cell(_fps(s), _clean)),
        ("meets both targets", "", lambda s: " ".join(_yes(m) for m in _meets(s, techniques))),
        ("public_test_strings accuracy", "", _public),
    ]
    if timed:
        spec.append(("speed (msg/s, same texts)", "", lambda s: f"{s.texts / s.seconds:,.0f}"))
    table = [
        [label, target, *(cell(scores[n]) if n in scores else "" for n in detectors)]
        for label, target, cell in spec
    ]
    for name, detector in detectors.items():
        if isinstance(detector, str):
            table[0][2 + list(detectors).index(name)] = detector
    header = ["rows: technique / measure", "target", *(f"{n} (en id all, %)" for n in detectors)]
    print_table(title, header, table)
    return all(_meets(scores[next(iter(detectors))], techniques))
