"""A head: one logistic regression per language over the offline model's features, stored as a
small `.npz` (never a pickle) with a Markdown model card beside it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.models.errors import ModelError
from bot.models.features import ENCODER, FEATURE_NAMES

FORMAT = "modbot-head-1"
FIX = "write one with modbot model fit"


@dataclass(frozen=True, slots=True)
class Weights:
    """One language's logistic regression: score = sigmoid(features @ coef + bias)."""

    coef: np.ndarray
    bias: float

    def logits(self, features: np.ndarray) -> np.ndarray:
        return features @ self.coef + self.bias


@dataclass(frozen=True, slots=True)
class Head:
    """Per-language weights (`en`, `id`, ...); `strengths` records the regularisation each was
    trained with, `digest` identifies the file it came from."""

    languages: dict[str, Weights]
    strengths: dict[str, float] = field(default_factory=dict)
    digest: str = ""

    def weights_for(self, language: str) -> Weights:
        """The language's own head; English for a language the head has none for."""
        return self.languages.get(language) or self.languages["en"]

    def probabilities(self, features: np.ndarray, languages: list[str]) -> np.ndarray:
        out = np.empty(len(languages), dtype=np.float64)
        for language in set(languages):
            rows = [i for i, lang in enumerate(languages) if lang == language]
            logits = self.weights_for(language).logits(features[rows].astype(np.float64))
            out[rows] = 1.0 / (1.0 + np.exp(-np.clip(logits, -40, 40)))
        return out

    def save(self, path: Path, card: str) -> None:
        """Write the head and its card (`<name>.md` beside it)."""
        arrays: dict[str, np.ndarray] = {
            "format": np.array(FORMAT),
            "encoder": np.array(ENCODER),
            "names": np.array(FEATURE_NAMES),
            "languages": np.array(sorted(self.languages)),
        }
        for language, weights in self.languages.items():
            arrays[f"coef_{language}"] = weights.coef.astype(np.float32)
            arrays[f"bias_{language}"] = np.array(weights.bias, dtype=np.float64)
        for language, strength in self.strengths.items():
            arrays[f"strength_{language}"] = np.array(strength, dtype=np.float64)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            np.savez_compressed(out, **arrays)  # type: ignore[arg-type]
        path.with_suffix(".md").write_text(card, "utf-8")


def load_head(path: Path) -> Head:
    """Read a head file, refusing anything that is not one built for these features."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{path}: cannot be read ({exc.strerror or exc}); {FIX}") from None
    try:
        with np.load(path, allow_pickle=False) as arrays:
            fields = {name: arrays[name] for name in arrays.files}
    except Exception as exc:  # noqa: BLE001 - any damage reads as "not a head file"
        raise ModelError(f"{path}: not a modbot head file ({exc}); {FIX}") from None
    if str(fields.get("format", "")) != FORMAT:
        raise ModelError(f"{path}: not a modbot head file (no {FORMAT} marker); {FIX}")
    if str(fields.get("encoder")) != ENCODER or tuple(fields["names"]) != FEATURE_NAMES:
        raise ModelError(
            f"{path}: built for other features ({fields.get('encoder')}, "
            f"{len(fields['names'])} columns; this modbot reads {ENCODER}, "
            f"{len(FEATURE_NAMES)}); {FIX}"
        )
    languages: dict[str, Weights] = {}
    for language in (str(lang) for lang in fields["languages"]):
        coef = fields.get(f"coef_{language}")
        bias = fields.get(f"bias_{language}")
        if coef is None or bias is None or coef.shape != (len(FEATURE_NAMES),):
            raise ModelError(f"{path}: the {language!r} weights are missing or damaged; {FIX}")
        if not np.all(np.isfinite(coef)) or not np.isfinite(bias):
            raise ModelError(f"{path}: the {language!r} weights are not finite numbers; {FIX}")
        languages[language] = Weights(coef.astype(np.float64), float(bias))
    if "en" not in languages:
        raise ModelError(f"{path}: has no English head (every message falls back to it); {FIX}")
    strengths = {
        name.removeprefix("strength_"): float(value)
        for name, value in fields.items()
        if name.startswith("strength_")
    }
    return Head(languages, strengths, hashlib.sha256(data).hexdigest()[:12])
