"""`modbot model fit`: a community teaches the offline model its own line, from a labelled file
or from its moderators' verdicts, and sees the figures before it switches."""

from __future__ import annotations

import asyncio
import csv
import io
import random
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from bot.__main__ import main
from bot.events import Report, Vote
from bot.models.builtin import BuiltinModel, BuiltinParams, default_head_path
from bot.models.fit import best_f1, precision_at_recall, train_logistic
from bot.models.head import load_head
from tests.helpers import build_core

# A gaming community where rank-shaming is not tolerated, but friendly trash talk is.
TOXIC = [
    "go back to bronze where you belong, noob",
    "uninstall the game, you are a waste of a slot",
    "hardstuck silver and still talking, lmao stay quiet",
    "imagine being this bad, report this bot player",
    "your aim is as useless as you are",
    "nobody wants a feeder like you on the team",
    "you ruin every match you join, just leave",
    "carried again, you are dead weight",
]
BANTER = [
    "gg everyone, see you in bronze tomorrow",
    "lol i fed so hard that round, my bad team",
    "noob question: how do i change my crosshair?",
    "i was hardstuck silver for a year too, it gets better",
    "report the bug in the feedback channel please",
    "your aim got way better since last week",
    "want to join our team for the weekend cup?",
    "thanks for carrying me, that clutch was insane",
]


def scores(head: Path | None, texts: list[str]) -> np.ndarray:
    model = BuiltinModel(BuiltinParams(head=str(head) if head else None))
    return np.array([s["toxicity"] for s in model.predict(texts)])


def fit(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["model", "fit", *args])
    return code, out.getvalue()


def labelled_file(path: Path, toxic: list[str], clean: list[str]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([(t, 1) for t in toxic] + [(t, 0) for t in clean])
    return path


def test_a_labelled_file_moves_the_head_towards_the_community_line(tmp_path: Path) -> None:
    data = labelled_file(tmp_path / "labels.csv", TOXIC, BANTER)
    out = tmp_path / "ours.npz"
    code, printed = fit("--data", str(data), "--out", str(out))
    assert code == 0
    assert "en: 8 toxic, 8 clean; current head ROC-AUC" in printed and "new head" in printed
    assert "id: 0 toxic, 0 clean: keeps its current head" in printed
    before = scores(None, TOXIC + BANTER)
    after = scores(out, TOXIC + BANTER)
    gap_before = before[:8].mean() - before[8:].mean()
    gap_after = after[:8].mean() - after[8:].mean()
    assert gap_after > gap_before + 0.1
    shipped, ours = load_head(default_head_path()), load_head(out)
    assert np.array_equal(shipped.languages["id"].coef, ours.languages["id"].coef)
    card = out.with_suffix(".md").read_text("utf-8")
    assert "labels.csv: 16 rows, 8 toxic" in card
    # The same messages with the labels swapped teach the opposite: a line scores higher under
    # the head that was told it is toxic (one banter line shares "bronze" with an insult, so
    # its neighbour's label moves it too).
    swapped = tmp_path / "swapped.npz"
    fit(
        "--data", str(labelled_file(tmp_path / "swapped.csv", BANTER, TOXIC)), "--out", str(swapped)
    )
    opposite = scores(swapped, TOXIC + BANTER)
    assert (after[:8] > opposite[:8]).all() and (after[8:] < opposite[8:]).sum() >= 7


async def moderate(db: Path) -> None:
    """Members report all 16 messages; a moderator confirms the rank-shaming and dismisses
    the banter."""
    core = await build_core(db)
    bot = core.fake.member("modbot", rank=60)
    mod = core.fake.member("maya", moderator=True)
    for index, text in enumerate(TOXIC + BANTER):
        msg = core.fake.message(text, author=f"player{index}", sent_at=core.clock())
        decision = await core.core.on_message(msg)
        assert decision is not None and not decision.delete
        await core.core.on_report(Report(msg, core.fake.member("reporter"), "rude", core.clock()))
        (esc,) = await core.services.escalations.store.open_ones()
        verdict = "delete" if text in TOXIC else "dismiss"
        await core.core.on_vote(Vote(esc.id, verdict, mod, core.clock(), bot))
    await core.close()


def test_the_moderators_verdicts_teach_the_head(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    asyncio.run(moderate(db))
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\nurl = "sqlite+aiosqlite:///{db}"\n')
    out = tmp_path / "learned.npz"
    code, printed = fit("--audit", "--config", str(config), "--out", str(out))
    assert code == 0, printed
    assert "en: 8 toxic, 8 clean" in printed
    before, after = scores(None, TOXIC + BANTER), scores(out, TOXIC + BANTER)
    # Every confirmed message scores higher, more of them now reach a human or an action,
    # the dismissed banter stays below the grey band, and the two drift apart.
    assert (after[:8] > before[:8]).all()
    assert (after[:8] >= 0.7).sum() > (before[:8] >= 0.7).sum()
    assert after[8:].max() < 0.7
    assert after[:8].mean() - after[8:].mean() > before[:8].mean() - before[8:].mean() + 0.1
    assert "audit log (escalation): 16 rows, 8 toxic" in out.with_suffix(".md").read_text()


def test_the_prior_holds_the_head_in_place_where_data_is_thin() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(12, 5))
    y = np.array([0, 1] * 6)
    prior = train_logistic(rng.normal(size=(400, 5)), rng.integers(0, 2, 400), 1.0)
    pulled = train_logistic(x, y, 0.01, prior)
    free = train_logistic(x, y, 0.01)
    assert np.abs(pulled.coef - prior.coef).max() < np.abs(free.coef - prior.coef).max()
    assert np.abs(pulled.coef - prior.coef).max() < 0.1


def test_without_a_prior_it_is_scikit_learns_logistic_regression() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(300, 6))
    y = (x[:, 0] + rng.normal(size=300) > 0).astype(int)
    ours = train_logistic(x, y, 0.5)
    theirs = LogisticRegression(C=0.5, max_iter=1000, tol=1e-8).fit(x, y)
    assert np.allclose(ours.coef, theirs.coef_[0], atol=1e-3)
    assert abs(ours.bias - theirs.intercept_[0]) < 1e-3


def test_best_f1_agrees_with_trying_every_threshold() -> None:
    rng = random.Random(3)
    for _ in range(50):
        labels = [rng.randint(0, 1) for _ in range(40)]
        scores_ = [round(rng.random(), 1) for _ in range(40)]
        if not any(labels):
            continue
        brute = 0.0
        for threshold in set(scores_):
            tp = sum(1 for s, y in zip(scores_, labels, strict=True) if s >= threshold and y)
            flagged = sum(1 for s in scores_ if s >= threshold)
            brute = max(brute, 2 * tp / (flagged + sum(labels)))
        assert best_f1(scores_, labels)[0] == pytest.approx(brute)


def test_precision_at_recall_reads_the_first_threshold_reaching_it() -> None:
    assert precision_at_recall([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 1], 0.5) == pytest.approx(2 / 3)
    assert precision_at_recall([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 1], 0.3) == pytest.approx(1 / 1)


def test_fit_without_data_says_what_to_give(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["model", "fit", "--out", str(tmp_path / "x.npz")]) == 2
    assert "give --data or --audit" in capsys.readouterr().err


def test_a_bad_label_names_the_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("text,label\nhello,0\nworld,maybe\n")
    assert main(["model", "fit", "--data", str(data), "--out", str(tmp_path / "x.npz")]) == 2
    assert f"{data}:3" in capsys.readouterr().err
