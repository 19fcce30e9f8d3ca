"""How often `detect_language` names the language of each shared dev set (all one language)."""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.models.langid import detect_language, language_scores  # noqa: E402

SETS = (
    ("olid-offenseval2019/dev.csv", "en", "utf-8"),
    ("davidson-hate-offensive/dev.csv", "en", "utf-8"),
    ("id-multilabel-hate-abusive/dev.csv", "id", "latin-1"),
)


def texts(path: Path, encoding: str) -> list[str]:
    with path.open(encoding=encoding, newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def measure(data: Path, show: int) -> int:
    header = ("set", "lang", "rows", "default en", "default id", "no evidence")
    print("{:40} {:4} {:>6} {:>11} {:>11} {:>12}".format(*header))
    for name, language, encoding in SETS:
        path = data / name
        if not path.exists():
            print(f"missing: {path}", file=sys.stderr)
            return 2
        rows = texts(path, encoding)
        right: Counter[str] = Counter()
        undecided = 0
        misses = []
        for text in rows:
            scores = language_scores(text)
            undecided += scores["en"] == scores["id"]
            for default in ("en", "id"):
                right[default] += detect_language(text, default) == language
            if detect_language(text, "und") != language:
                misses.append(text)
        print(
            f"{name:40} {language:4} {len(rows):6} {right['en'] / len(rows):11.2%} "
            f"{right['id'] / len(rows):11.2%} {undecided:12}"
        )
        for text in misses[:show]:
            print(f"    {text[:120]!r}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--show", type=int, default=0, help="print this many misses per set")
    args = parser.parse_args()
    return measure(args.data, args.show)


if __name__ == "__main__":
    sys.exit(main())
