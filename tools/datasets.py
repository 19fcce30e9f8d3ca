"""Labelled text for training and measuring the toxicity heads: the project's own files in
`tools/data/` (may ship) and the public dev sets in `../shared/data/` (measure, never ship)."""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TOOLS_DATA = ROOT / "tools" / "data"
SHARED_DATA = ROOT.parent / "shared" / "data"
CACHE = ROOT / ".cache" / "features"
FEATURE_SOURCES = (
    "bot/models/features.py",
    "bot/models/alay.py",
    "bot/models/langid.py",
    "bot/models/data/*.tsv",
    "rules/normalize.py",
    "rules/confusables.py",
    "rules/wordlist.py",
    "rules/lexicons/*.txt",
)
"""Files whose change changes the features: the cache key covers their contents."""
csv.field_size_limit(1 << 30)


@dataclass(frozen=True, slots=True)
class Labelled:
    """A named set of texts with 0/1 labels (and the language they are in)."""

    name: str
    texts: list[str]
    labels: np.ndarray
    language: str


def read_csv(path: Path, label: str = "label", encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return [row for row in csv.DictReader(handle) if row.get("text") and row.get(label)]


def _set(name: str, rows: list[dict[str, str]], language: str, label: str = "label") -> Labelled:
    return Labelled(
        name, [r["text"] for r in rows], np.array([int(r[label]) for r in rows]), language
    )


def shared(name: str) -> Path:
    path = SHARED_DATA / name / "dev.csv"
    if not path.exists():
        sys.exit(f"{path} is missing: this script measures on ../shared/data (see its README)")
    return path


def olid() -> Labelled:
    return _set("OLID dev (OFF)", read_csv(shared("olid-offenseval2019")), "en")


def davidson() -> Labelled:
    return _set("Davidson dev", read_csv(shared("davidson-hate-offensive")), "en")


def ibrohim(label: str = "Abusive") -> Labelled:
    rows = read_csv(shared("id-multilabel-hate-abusive"), label)
    title = "Ibrohim dev (Abusive)" if label == "Abusive" else "Ibrohim dev (HS or Abusive)"
    return _set(title, rows, "id", label)


def team(language: str) -> Labelled:
    rows = [r for r in read_csv(TOOLS_DATA / "team-examples.csv") if r["lang"] == language]
    return _set(f"team examples ({language})", rows, language)


def blob() -> Labelled:
    rows = [r for r in read_csv(TOOLS_DATA / "blob-id.csv") if r["lang"] == "id"]
    return _set("Blob Indonesian", rows, "id")


def openai_moderation() -> Labelled:
    return _set("OpenAI moderation", read_csv(TOOLS_DATA / "openai-moderation-en.csv"), "en")


def cached_features(texts: Sequence[str], extract) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The feature matrix of `texts`, computed once and kept in `.cache/` (never committed)."""
    from bot.models.features import ENCODER, FEATURE_NAMES

    key = hashlib.sha256(
        "\x00".join([ENCODER, *FEATURE_NAMES, *texts]).encode("utf-8", "surrogatepass")
    )
    for source in FEATURE_SOURCES:
        for path in sorted(ROOT.glob(source)):
            key.update(path.read_bytes())
    path = CACHE / f"{key.hexdigest()[:20]}.npy"
    if path.exists():
        return np.load(path, allow_pickle=False)
    rows = [extract(texts[start : start + 256]) for start in range(0, len(texts), 256)]
    matrix = np.vstack(rows) if rows else np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, matrix)
    return matrix
