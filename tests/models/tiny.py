"""Tiny Detoxify checkpoints built offline, for tests: a BERT and an XLM-R with 6 labels whose
classifier bias is set so that randomly initialised weights could never give the same scores."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
SIZES = dict(
    hidden_size=16,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=32,
    max_position_embeddings=132,
    num_labels=len(CLASSES),
)
WORDS = (
    "[PAD] [UNK] [CLS] [SEP] [MASK] go away loser you are a nice friend hello there "
    "kamu bodoh anjing selamat pagi the is of and to in it that was for on with as this "
    "stupid idiot"
).split()
SENTENCES = [
    "go away loser",
    "you are a nice friend",
    "kamu bodoh anjing",
    "selamat pagi semua",
    "hello there friend",
    "this is the best day of my life",
] * 20


def _bias(model: Any) -> None:
    import torch

    with torch.no_grad():
        model.classifier.out_proj.bias.copy_(torch.linspace(-3, 3, len(CLASSES))) if hasattr(
            model.classifier, "out_proj"
        ) else model.classifier.bias.copy_(torch.linspace(-3, 3, len(CLASSES)))


def build_bert(folder: Path) -> tuple[Path, Any]:
    """Write `folder` (config.json + vocab.txt) and a checkpoint; returns it and the model."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(WORDS) + "\n")
    config = BertConfig(vocab_size=len(WORDS), **SIZES)
    torch.manual_seed(7)
    model = BertForSequenceClassification(config)
    _bias(model)
    config.save_pretrained(folder)
    return _checkpoint(folder, model, "BertForSequenceClassification", "BertTokenizer"), model


def build_xlmr(folder: Path) -> tuple[Path, Any]:
    """An XLM-R with a SentencePiece vocabulary trained here on a few sentences."""
    import sentencepiece
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForSequenceClassification

    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(SENTENCES),
        model_writer=buffer,
        vocab_size=60,
        hard_vocab_limit=False,
        minloglevel=2,
        model_type="unigram",
        user_defined_symbols=["<mask>"],
        bos_id=0,
        pad_id=1,
        eos_id=2,
        unk_id=3,
    )
    (folder / "sentencepiece.bpe.model").write_bytes(buffer.getvalue())
    config = XLMRobertaConfig(
        vocab_size=100,
        type_vocab_size=1,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        **SIZES,
    )
    torch.manual_seed(7)
    model = XLMRobertaForSequenceClassification(config)
    _bias(model)
    config.save_pretrained(folder)
    return (
        _checkpoint(folder, model, "XLMRobertaForSequenceClassification", "XLMRobertaTokenizer"),
        model,
    )


def _checkpoint(folder: Path, model: Any, model_name: str, tokenizer_name: str) -> Path:
    import torch

    path = folder.parent / f"{folder.name}.ckpt"
    torch.save(
        {
            "config": {
                "arch": {
                    "args": {
                        "model_type": str(folder),
                        "model_name": model_name,
                        "tokenizer_name": tokenizer_name,
                        "num_classes": len(CLASSES),
                    }
                },
                "dataset": {"args": {"classes": CLASSES}},
            },
            "state_dict": model.state_dict(),
        },
        path,
    )
    return path
