"""What every backend offers the translation pipeline.

The pipeline (segmentation, batching, caching, long-input splitting, repetition retries) is
backend-agnostic; a backend only turns a batch of source sentences into target sentences.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import NamedTuple, Protocol
from collections.abc import Callable

from mt.io.errors import DariError


BACKENDS = ("auto", "hf", "ct2")  # auto: ct2 when ctranslate2 is installed, else hf


@dataclass(frozen=True)
class GenerationOptions:
    """Decoding settings; part of the translation cache key, so every field changes the output."""

    beams: int = 4
    max_length: int = 256
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0

    def key(self) -> str:
        return ",".join(f"{k}={v}" for k, v in sorted(asdict(self).items()))


class Output(NamedTuple):
    """One translation; `truncated` when decoding stopped at the output limit, not at an end token."""

    text: str
    truncated: bool = False


class Candidate(NamedTuple):
    """One hypothesis from a backend's `decode_candidates` (glossary decoding, `mt.term_decoding`).

    `tokens` are the model's target tokens as strings (a forced language code included), and
    `attention[k]` the weights over the source tokens when target token k was produced (None
    where the backend computes them only on request, with its `attention` method).
    """

    tokens: list[str]
    text: str
    attention: list[list[float]] | None
    truncated: bool = False


def continues_word(token: str) -> bool:
    """Whether a target token carries on the previous word (SentencePiece: no ▁, a letter or digit):
    such a token must not follow a forced glossary term."""
    return bool(token) and token[0].isalnum()


class Backend(Protocol):
    name: str  # "hf" or "ct2"
    model_id: str  # what the user asked for (hub id or local directory)
    revision: str  # commit hash of hub models, content hash of local ones: part of the cache key
    max_input_tokens: int  # longer inputs are split by the pipeline before they reach the backend

    def count_tokens(self, sentences: list[str]) -> list[int]:
        """Source length in model tokens (including special tokens)."""

    def translate_batch(self, sentences: list[str], options: GenerationOptions) -> list[Output]:
        """Translate one batch; output i is the translation of input i."""


def choose_device(requested: str, has_cuda: Callable[[], bool], runtime: str) -> str:
    """Resolve `auto` and refuse `cuda` where the runtime that will run the model sees no GPU.

    `has_cuda` is asked only for `auto` and `cuda`: asking imports the runtime (torch), which
    `--device cpu` with a fully cached run never needs.
    """
    if requested == "auto":
        return "cuda" if has_cuda() else "cpu"
    if requested == "cuda" and not has_cuda():
        raise DariError(f"--device cuda was requested but {runtime} sees no CUDA GPU")
    return requested
