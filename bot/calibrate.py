"""`modbot model calibrate FILE`: how a label's scores separate a labelled file, so a manager
can choose `act_at` and `escalate_at` from precision and recall instead of guessing."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))


@dataclass(frozen=True, slots=True)
class Point:
    threshold: float
    precision: float
    recall: float
    f1: float
    flagged: int


def roc_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Area under the ROC curve (the rank statistic, ties counted half)."""
    ranked = sorted(zip(scores, labels, strict=True))
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum, index = 0.0, 0
    while index < len(ranked):
        end = index
        while end < len(ranked) and ranked[end][0] == ranked[index][0]:
            end += 1
        average_rank = (index + 1 + end) / 2
        rank_sum += average_rank * sum(label for _, label in ranked[index:end])
        index = end
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def curve(scores: Sequence[float], labels: Sequence[int]) -> list[Point]:
    points = []
    for threshold in THRESHOLDS:
        tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and y)
        fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and not y)
        fn = sum(1 for s, y in zip(scores, labels, strict=True) if s < threshold and y)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        points.append(Point(threshold, precision, recall, f1, tp + fp))
    return points


def suggest(points: list[Point]) -> tuple[float | None, float | None]:
    """act_at: the lowest threshold with precision >= 0.9; escalate_at: the highest threshold
    below it that still reaches recall >= 0.8."""
    act = next((p.threshold for p in points if p.precision >= 0.9 and p.flagged), None)
    below = [p for p in points if act is None or p.threshold < act]
    escalate = max((p.threshold for p in below if p.recall >= 0.8), default=None)
    return act, escalate


def print_report(
    label: str, scores: Sequence[float], labels: Sequence[int], out: TextIO = sys.stdout
) -> None:
    points = curve(scores, labels)
    auc = roc_auc(scores, labels)
    out.write(f"{label}: {len(labels)} messages, {sum(labels)} positive, ROC-AUC {auc:.3f}\n")
    out.write(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'flagged':>8}\n")
    for p in points:
        row = f"{p.threshold:>9.2f} {p.precision:>9.3f} {p.recall:>7.3f} {p.f1:>6.3f}"
        out.write(f"{row} {p.flagged:>8}\n")
    act, escalate = suggest(points)
    out.write(
        f"suggested: act_at = {act if act is not None else 'none (precision never reaches 0.9)'}"
    )
    out.write(f", escalate_at = {escalate if escalate is not None else 'none'}\n")
