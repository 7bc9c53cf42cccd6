"""Marian (opus-mt) tokenization with sentencepiece alone, the way transformers' MarianTokenizer does it.

The ct2 backend needs a tokenizer but no model code, and importing transformers only to tokenize
costs a `dari translate` run about a second of start-up and over 50 MiB of peak memory. This
module reproduces MarianTokenizer for the tokenizer files whose every setting it can reproduce
exactly; `load_marian_tokens` returns None for the rest (separate target vocabularies, added or
extra special tokens, SentencePiece options, unknown settings), so the caller keeps transformers.
"""

from __future__ import annotations

import os
import re

from mt.models import read_json

SPECIAL_TOKENS = {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
SPECIAL_TEXTS = frozenset(SPECIAL_TOKENS.values())
# tokenizer_config.json settings that are read here or change no token.
INERT_SETTINGS = {"tokenizer_class", "source_lang", "target_lang", "name_or_path", "special_tokens_map_file",
                  "model_max_length", "clean_up_tokenization_spaces", "model_input_names", "padding_side",
                  "truncation_side", "backend", "is_local", "local_files_only"}
# Settings that are reproduced only at their default (empty or false) value.
DEFAULT_ONLY_SETTINGS = {"separate_vocabs", "sp_model_kwargs", "target_vocab_file", "additional_special_tokens",
                         "extra_special_tokens", "split_special_tokens"}
TOKEN_FLAGS = ("lstrip", "rstrip", "single_word")  # whitespace handling around an added token


def load_marian_tokens(model_dir: str) -> MarianTokens | None:
    """The model's tokenizer without transformers, or None where it cannot be reproduced exactly."""
    config = read_json(os.path.join(model_dir, "tokenizer_config.json"))
    tokenizer_class = config.get("tokenizer_class")
    if tokenizer_class is None and read_json(os.path.join(model_dir, "config.json")).get("model_type") == "marian":
        tokenizer_class = "MarianTokenizer"  # what AutoTokenizer would pick
    if tokenizer_class != "MarianTokenizer":
        return None
    if not all(os.path.isfile(os.path.join(model_dir, name)) for name in ("source.spm", "target.spm", "vocab.json")):
        return None
    vocab = read_json(os.path.join(model_dir, "vocab.json"))
    if not all(token in vocab for token in SPECIAL_TEXTS):
        return None  # transformers would append the missing ones to the vocabulary
    if not _reproducible(config, vocab, model_dir):
        return None
    return MarianTokens(model_dir, vocab, config)


def _reproducible(config: dict, vocab: dict, model_dir: str) -> bool:
    for key, value in config.items():
        if key in SPECIAL_TOKENS:
            if not _is_plain_token(value, SPECIAL_TOKENS[key]):
                return False
        elif key == "added_tokens_decoder":
            if not all(_is_special_in_vocab(token, index, vocab) for index, token in value.items()):
                return False
        elif key in DEFAULT_ONLY_SETTINGS:
            if value:
                return False
        elif key not in INERT_SETTINGS:
            return False
    special_map = read_json(os.path.join(model_dir, "special_tokens_map.json"))
    if any(key not in SPECIAL_TOKENS or not _is_plain_token(value, SPECIAL_TOKENS[key]) for key, value in special_map.items()):
        return False
    return not read_json(os.path.join(model_dir, "added_tokens.json"))


def _is_special_in_vocab(token, index: str, vocab: dict) -> bool:
    """An `added_tokens_decoder` entry that only restates a special token's id in vocab.json."""
    content = token.get("content") if isinstance(token, dict) else None
    return content in SPECIAL_TEXTS and _is_plain_token(token, content) and str(vocab[content]) == str(index)


def _is_plain_token(value, content: str | None) -> bool:
    """`content` as a plain string, or saved as an AddedToken that strips no whitespace around it."""
    if isinstance(value, dict):
        return value.get("content") == content and not any(value.get(flag) for flag in TOKEN_FLAGS)
    return value == content


def remove_language_code(text: str) -> tuple[list[str], str]:
    """A leading `>>xxx<<` target-language code of multilingual Marian models stays one token."""
    end = text.find("<<") if text.startswith(">>") else -1
    if end == -1:
        return [], text
    return [text[: end + 2]], text[end + 2 :]


def clean_up_tokenization(text: str) -> str:
    """transformers' `clean_up_tokenization_spaces`, for the tokenizer files that ask for it."""
    for spaced, joined in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                           (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):
        text = text.replace(spaced, joined)
    return text


class MarianTokens:
    """Source text to CTranslate2 tokens and target tokens back to text, as MarianTokenizer does.

    Source side: literal special tokens in the text stay whole, each stretch between them goes
    through source.spm (after a `>>xxx<<` code), pieces missing from vocab.json become `<unk>`,
    and `</s>` ends the sequence. Target side: special tokens are dropped and the pieces are
    joined by target.spm. (transformers 5 joins them with source.spm when the vocabulary is
    shared; SentencePiece keeps pieces it does not know verbatim, so both give the same text.)
    """

    target_prefix = None  # Marian models need no forced first target token

    def __init__(self, model_dir: str, vocab: dict[str, int], config: dict):
        import sentencepiece

        self.vocab = vocab
        self.pieces = {index: token for token, index in vocab.items()}
        self.pieces.update((vocab[token], token) for token in SPECIAL_TEXTS)
        self.special_ids = {vocab[token] for token in SPECIAL_TEXTS}
        self.unk_id = vocab[SPECIAL_TOKENS["unk_token"]]
        self.eos_id = vocab[SPECIAL_TOKENS["eos_token"]]
        self.source = sentencepiece.SentencePieceProcessor(model_file=os.path.join(model_dir, "source.spm"))
        self.target = sentencepiece.SentencePieceProcessor(model_file=os.path.join(model_dir, "target.spm"))
        self.vocab_size = len(vocab)
        self.model_max_length = config.get("model_max_length", 512)
        self.clean_up = bool(config.get("clean_up_tokenization_spaces", False))
        longest_first = sorted(SPECIAL_TEXTS, key=lambda token: (-len(token), token))
        self._special_split = re.compile("(" + "|".join(map(re.escape, longest_first)) + ")")

    def encode(self, sentences: list[str]) -> list[list[str]]:
        return [self._encode(sentence) for sentence in sentences]

    def _encode(self, text: str) -> list[str]:
        tokens = []
        for chunk in self._special_split.split(text):
            if chunk in SPECIAL_TEXTS:
                tokens.append(chunk)
            elif chunk:
                code, rest = remove_language_code(chunk)
                tokens += code + self.source.encode(rest, out_type=str)
        ids = [self.vocab.get(token, self.unk_id) for token in tokens] + [self.eos_id]
        return [self.pieces[index] for index in ids]

    def decode(self, hypotheses: list[list[str]]) -> list[str]:
        return [self._decode(tokens) for tokens in hypotheses]

    def encode_target(self, text: str) -> list[str] | None:
        """Target pieces of `text` as a word inside a sentence; None if a piece is not in the vocabulary."""
        pieces = self.target.encode(text, out_type=str)
        return pieces if pieces and all(piece in self.vocab for piece in pieces) else None

    def _decode(self, tokens: list[str]) -> str:
        ids = [self.vocab.get(token, self.unk_id) for token in tokens]
        pieces = [self.pieces[index] for index in ids if index not in self.special_ids]
        text = self.target.decode_pieces(pieces).replace("▁", " ").strip()
        return clean_up_tokenization(text) if self.clean_up else text
