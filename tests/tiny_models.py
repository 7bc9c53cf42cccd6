"""Tiny but real translation models, built at test time.

They go through the same files and `from_pretrained` path as published models (SentencePiece
vocabularies, Marian tokenizer files, config, safetensors weights) so tests exercise dari's real
loading code without network access or committed weights.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


# Small enough to build and run in milliseconds; real models differ only in these numbers.
TINY_DIMENSIONS = dict(
    d_model=32,
    encoder_layers=1,
    decoder_layers=1,
    encoder_attention_heads=2,
    decoder_attention_heads=2,
    encoder_ffn_dim=64,
    decoder_ffn_dim=64,
)


def fixture_lines(lang: str) -> list[str]:
    return (FIXTURES / f"flores_dev_sample.{lang}").read_text(encoding="utf-8").splitlines()


def _train_spm(lines: list[str], vocab_size: int) -> bytes:
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=vocab_size,
        character_coverage=0.98,
        model_type="unigram",
        unk_id=0,
        eos_id=1,
        bos_id=-1,
        pad_id=-1,
        minloglevel=2,
        num_threads=1,
    )
    return buffer.getvalue()


def build_tiny_marian(directory: Path, *, max_positions: int = 64, seed: int = 0) -> Path:
    """A random-weight Marian model with Korean/English SentencePiece vocabularies."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel

    directory.mkdir(parents=True, exist_ok=True)
    vocab = {"</s>": 0, "<unk>": 1}
    for name, lang in (("source.spm", "ko"), ("target.spm", "en")):
        model_bytes = _train_spm(fixture_lines(lang), 600)
        (directory / name).write_bytes(model_bytes)
        processor = spm.SentencePieceProcessor(model_proto=model_bytes)
        for i in range(processor.get_piece_size()):
            vocab.setdefault(processor.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "MarianTokenizer", "source_lang": "ko", "target_lang": "en", "model_max_length": max_positions}),
        encoding="utf-8",
    )
    config = MarianConfig(
        vocab_size=len(vocab),
        **TINY_DIMENSIONS,
        max_position_embeddings=max_positions,
        pad_token_id=vocab["<pad>"],
        eos_token_id=0,
        decoder_start_token_id=vocab["<pad>"],
        forced_eos_token_id=0,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    with torch.no_grad():  # the default 0.02 init decodes one token in a loop whatever the input
        for parameter in model.parameters():
            if parameter.dim() > 1:
                parameter.normal_(0.0, 1.0)
        # As in published Marian models: the decoder starts from the all-zero <pad> embedding, and
        # generation never emits <pad> (CTranslate2 relies on both).
        model.get_input_embeddings().weight[vocab["<pad>"]].zero_()
    model.generation_config.bad_words_ids = [[vocab["<pad>"]]]
    model.save_pretrained(directory)
    return directory


def build_tiny_nllb(directory: Path, *, seed: int = 0) -> Path:
    """A random-weight NLLB-style model (M2M100 architecture, NLLB language-code tokenizer)."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    spm_file = directory / "sentencepiece.bpe.model"
    spm_file.write_bytes(_train_spm(fixture_lines("ko") + fixture_lines("en"), 800))
    tokenizer = NllbTokenizer(vocab_file=str(spm_file))
    tokenizer.save_pretrained(directory)
    config = M2M100Config(
        vocab_size=len(tokenizer),
        **TINY_DIMENSIONS,
        max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(seed)
    M2M100ForConditionalGeneration(config).save_pretrained(directory)
    return directory
