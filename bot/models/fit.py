"""Training a head: L2 logistic regression, optionally pulled towards an existing head (a prior),
with stratified cross-validation and the figures `modbot model fit` prints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from bot.calibrate import roc_auc
from bot.models.head import Weights


def train_logistic(
    features: np.ndarray, labels: np.ndarray, strength: float, prior: Weights | None = None
) -> Weights:
    """Minimise the summed log-loss plus ||weights - prior||^2 / (2 * strength).

    With no prior the penalty pulls the coefficients towards zero and leaves the bias free
    (plain L2, scikit-learn's `C`). With one, the bias is pulled towards the prior's too: a
    few hundred examples, often half toxic where real chat is not, adjust the prior instead
    of replacing it or moving every score up.
    """
    x = features.astype(np.float64)
    y = labels.astype(np.float64)
    centre = np.zeros(x.shape[1] + 1)
    if prior is not None:
        centre = np.append(prior.coef.astype(np.float64), prior.bias)
    penalised = np.ones(x.shape[1] + 1)
    penalised[-1] = 0.0 if prior is None else 1.0

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        coef, bias = params[:-1], params[-1]
        z = x @ coef + bias
        # log(1 + e^z) - y z, computed without overflow
        value = float(np.sum(np.logaddexp(0.0, z) - y * z))
        residual = 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))) - y
        gap = (params - centre) * penalised
        value += float(gap @ gap) / (2 * strength)
        gradient = np.append(x.T @ residual, residual.sum()) + gap / strength
        return value, gradient

    result = minimize(loss, centre, jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    return Weights(result.x[:-1].copy(), float(result.x[-1]))


def folds(labels: Sequence[int], k: int = 5, seed: int = 0) -> list[np.ndarray]:
    """Stratified folds: each holds about 1/k of the positives and of the negatives."""
    rng = np.random.default_rng(seed)
    array = np.asarray(labels)
    assigned = np.empty(len(array), dtype=np.int64)
    for value in (0, 1):
        where = np.flatnonzero(array == value)
        rng.shuffle(where)
        assigned[where] = np.arange(len(where)) % k
    return [np.flatnonzero(assigned == fold) for fold in range(k)]


def cross_validated(
    features: np.ndarray,
    labels: np.ndarray,
    train: Callable[[np.ndarray, np.ndarray], Weights],
    k: int = 5,
) -> np.ndarray:
    """Out-of-fold probabilities: every row scored by a head that never saw it."""
    out = np.zeros(len(labels))
    for held in folds(labels.tolist(), k):
        mask = np.ones(len(labels), dtype=bool)
        mask[held] = False
        weights = train(features[mask], labels[mask])
        out[held] = 1.0 / (1.0 + np.exp(-np.clip(weights.logits(features[held]), -40, 40)))
    return out


@dataclass(frozen=True, slots=True)
class Figures:
    """How well scores separate labels."""

    auc: float
    f1: float
    threshold: float

    def __str__(self) -> str:
        return f"ROC-AUC {self.auc:.3f}, best F1 {self.f1:.3f} at {self.threshold:.2f}"


def best_f1(scores: Sequence[float], labels: Sequence[int]) -> tuple[float, float]:
    """The highest F1 over every threshold, and the threshold (flag when score >= it)."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    ranked = np.asarray(scores, dtype=np.float64)[order]
    truth = np.asarray(labels)[order]
    positives = int(truth.sum())
    if positives == 0:
        return 0.0, 1.0
    true_pos = np.cumsum(truth)
    flagged = np.arange(1, len(truth) + 1)
    # Only the last of a run of equal scores is a threshold that can be chosen.
    last = np.append(ranked[1:] != ranked[:-1], True)
    f1 = np.where(last, 2 * true_pos / (flagged + positives), 0.0)
    best = int(np.argmax(f1))
    return float(f1[best]), float(ranked[best])


def precision_at_recall(scores: Sequence[float], labels: Sequence[int], recall: float) -> float:
    """Precision at the highest threshold that still reaches `recall`."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    truth = np.asarray(labels)[order]
    positives = truth.sum()
    if positives == 0:
        return float("nan")
    true_pos = np.cumsum(truth)
    reached = int(np.argmax(true_pos >= recall * positives))
    return float(true_pos[reached] / (reached + 1))


def figures(scores: Sequence[float], labels: Sequence[int]) -> Figures:
    f1, threshold = best_f1(scores, labels)
    return Figures(roc_auc(list(scores), list(labels)), f1, threshold)
