"""The offline default model: it scores insults nobody listed, in English and Indonesian, sees
through obfuscation, and survives any text and any damaged head file."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from bot.config import load_config, parse_config
from bot.config_errors import ConfigError
from bot.models import ModelError, build_model
from bot.models.builtin import BuiltinModel, BuiltinParams, default_head_path
from bot.models.features import FEATURE_NAMES, clean, prepare
from bot.models.head import Head, Weights, load_head
from bot.replay import run_replay


@pytest.fixture(scope="module")
def model() -> BuiltinModel:
    built = BuiltinModel(BuiltinParams())
    built.load()
    return built


def score(model: BuiltinModel, text: str) -> float:
    return model.predict([text])[0]["toxicity"]


PAIRS = [
    # (toxic, harmless on the same topic): none of the toxic lines has a listed word
    ("shut up you worthless piece of garbage", "shut up and take my money, this game is great"),
    ("nobody here likes you, you pathetic loser", "nobody here has tried the new patch yet"),
    ("you are the dumbest person i have ever met", "you are the best person i have ever met"),
    (
        "kamu itu nggak guna, mending keluar aja dari grup",
        "kamu udah coba keluar terus masuk lagi?",
    ),
    ("dasar sampah masyarakat, otakmu di dengkul", "jangan buang sampah sembarangan ya teman2"),
    ("muka lo kayak pantat panci, jijik gue liatnya", "panci gue gosong gara2 masak mie semalem"),
]


@pytest.mark.parametrize(("toxic", "harmless"), PAIRS)
def test_an_unlisted_insult_scores_above_its_harmless_twin(
    model: BuiltinModel, toxic: str, harmless: str
) -> None:
    # The harmless twin stays below the grey band (no human is bothered), the insult is
    # clearly ahead of it.
    assert score(model, toxic) > score(model, harmless) + 0.25
    assert score(model, harmless) < 0.7


def test_everyday_chat_stays_well_below_the_grey_band(model: BuiltinModel) -> None:
    chat = [
        "hi everyone, how was the weekend?",
        "does anyone know when the next release is out?",
        "selamat pagi semua, ada yang tau jadwal rilis?",
        "makasih banyak bang, udah jalan sekarang",
        "gue setuju sih, tapi mending kita vote dulu",
        "the docs say to restart the server after the update",
    ]
    scores = [round(s["toxicity"], 2) for s in model.predict(chat)]
    assert max(scores) < 0.5, scores


OBFUSCATED = [
    "you are a f4gg0t",
    "ur such a n 1 g g 3 r",
    "what a f.u.c.k.i.n.g idiot",
    "you stupid b\u200bi\u200bt\u200bc\u200bh",
    "dasar 4nj1ng lu",
    "a n j i n g kau",
    "k0nt0l lu",
    "bаngsаt",  # Cyrillic a
    "ｇｏｂｌｏｋ",
    "🅵🆄🅲🅺 you",
]


@pytest.mark.parametrize("text", OBFUSCATED)
def test_obfuscated_abuse_is_still_scored_as_abuse(model: BuiltinModel, text: str) -> None:
    assert score(model, text) >= 0.9


def test_a_score_does_not_depend_on_the_batch_or_its_order(model: BuiltinModel) -> None:
    texts = [toxic for toxic, _ in PAIRS] + [harmless for _, harmless in PAIRS]
    alone = [score(model, text) for text in texts]
    together = [s["toxicity"] for s in model.predict(texts)]
    backwards = [s["toxicity"] for s in model.predict(texts[::-1])][::-1]
    assert np.allclose(alone, together, atol=2e-3) and np.allclose(together, backwards, atol=2e-3)


HOSTILE = [
    "",
    " ",
    "a" * 1_000_000,
    "z" + "\u0336" * 10_000,
    "nul \x00 byte",
    "\u202eevil reversed\u202c text",
    "lone \ud800 surrogate",
    "😀" * 500,
    "@everyone @here <@&123> <@!456>",
    "\\xf0\\x9f\\x98\\x82 RT USER URL",
]


def test_hostile_text_never_breaks_the_model(model: BuiltinModel) -> None:
    results = model.predict(HOSTILE)
    assert len(results) == len(HOSTILE)
    assert all(0.0 <= r["toxicity"] <= 1.0 for r in results)


def test_mentions_links_and_placeholders_are_not_read_as_words() -> None:
    assert clean("RT USER: @idiot_hunter see https://example.com/moron now URL") == ": see now"
    assert prepare("@bitchfinder hello there").floor == 0.0
    assert prepare("hello you bitch").floor == 0.9


def test_indonesian_messages_are_routed_to_the_indonesian_head() -> None:
    assert prepare("gue gak ngerti maksud lu apaan").language == "id"
    assert prepare("I do not understand what you mean").language == "en"


def test_the_shipped_head_carries_a_model_card_naming_its_data_and_licences() -> None:
    head = load_head(default_head_path())
    assert set(head.languages) == {"en", "id"}
    card = default_head_path().with_suffix(".md").read_text("utf-8")
    for needed in ("OLID", "CC BY 4.0", "team examples", "MIT", "Ibrohim", "NC-SA"):
        assert needed in card


def test_a_missing_head_is_a_config_error_naming_the_key_and_the_fix(tmp_path: Path) -> None:
    text = f'[model]\nbackend = "builtin"\nparams = {{ head = "{tmp_path / "none.npz"}" }}\n'
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "config.toml")
    message = str(caught.value)
    assert "config.toml" in message and "model.params.head" in message
    assert "modbot model fit" in message


def damaged(tmp_path: Path) -> dict[str, Path]:
    good = default_head_path().read_bytes()
    files = {
        "garbage": b"not a head at all",
        "truncated": good[: len(good) // 2],
    }
    pickled = io.BytesIO()
    with zipfile.ZipFile(pickled, "w") as archive:
        archive.writestr("format.npy", b"\x93NUMPY\x01\x00v\x00{'descr': '|O', 'fortran_order':")
    files["pickle"] = pickled.getvalue()
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{name}.npz"
        paths[name].write_bytes(data)
    return paths


def test_a_damaged_head_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    for name, path in damaged(tmp_path).items():
        with pytest.raises(ModelError, match="not a modbot head file.*modbot model fit"):
            load_head(path)
        assert name


def test_a_head_built_for_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.npz"
    np.savez(
        path,
        format=np.array("modbot-head-1"),
        encoder=np.array("some-other-encoder"),
        names=np.array(["a", "b"]),
        languages=np.array(["en"]),
        coef_en=np.zeros(2, dtype=np.float32),
        bias_en=np.array(0.0),
    )
    with pytest.raises(ModelError, match="built for other features"):
        load_head(path)


def test_a_head_with_non_finite_weights_is_refused(tmp_path: Path) -> None:
    coef = np.zeros(len(FEATURE_NAMES))
    coef[3] = np.nan
    path = tmp_path / "nan.npz"
    Head({"en": Weights(coef, 0.0)}).save(path, "card")
    with pytest.raises(ModelError, match="not finite"):
        load_head(path)


def test_run_refuses_a_damaged_head_with_one_line_and_exit_2(tmp_path: Path) -> None:
    from bot.__main__ import main

    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"nope")
    config = tmp_path / "config.toml"
    config.write_text(f'[model]\nbackend = "builtin"\nparams = {{ head = "{bad}" }}\n')
    assert main(["model", "calibrate", "x.csv", "--config", str(config)]) == 2


async def test_replay_scores_every_row_in_english_and_indonesian(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    rows = [
        "hello there, nice to meet you",
        "shut up you worthless piece of garbage",
        "selamat pagi, semoga harimu menyenangkan",
        "kamu itu nggak guna, mending keluar aja dari grup",
    ]
    path.write_text("".join(json.dumps({"text": r}) + "\n" for r in rows))
    out, err = io.StringIO(), io.StringIO()
    assert await run_replay(load_config(), path, out=out, err=err, all_scores=True) == 0
    scores = [json.loads(line)["scores"]["toxicity"] for line in out.getvalue().splitlines()]
    assert len(scores) == 4
    assert scores[0] < 0.5 < scores[1] and scores[2] < 0.5 < scores[3]


def test_the_builtin_backend_is_the_embedded_default() -> None:
    config = load_config()
    assert config.model.backend == "builtin"
    built = build_model(config.model.backend, config.model.params)
    assert isinstance(built, BuiltinModel) and built.labels == ("toxicity",)
    assert built.version.startswith("builtin-usem3-")


def test_the_profanity_feature_is_exactly_alt_profanity_checks_probability() -> None:
    from profanity_check import predict_prob

    from bot.models.features import _profanity

    texts = [t for pair in PAIRS for t in pair] + OBFUSCATED + ["", "fuck this", "selamat pagi"]
    assert np.allclose(_profanity().probabilities(texts), predict_prob(texts), atol=1e-9)
