"""Run a Hugging Face translation model with CTranslate2.

CTranslate2 runs the same Marian weights several times faster than transformers on a CPU
(int8 matrix products, no autograd, a C++ beam search) and in a fraction of the memory. The
model is converted once and cached; later runs load the converted copy without importing torch.
Tokenization is the model's own tokenizer's, so ct2 and hf see exactly the same source tokens and
produce comparable output: reproduced with sentencepiece alone for Marian models (no transformers
import at all once the model is converted), transformers' own tokenizer for everything else.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import re
import shutil
import tempfile
import time

from mt.backends.base import Candidate, GenerationOptions, Output, choose_device, continues_word
from mt.cache import cache_root
from mt.io.errors import DariError
from mt.models import ResolvedModel, model_limits, read_json

# What one CPU worker decodes at once (see _sub_batch): vocabulary scores (hypotheses × vocabulary),
# 32 hypotheses of opus-mt-ko-en's 65,001-word vocabulary; attention keys and values (hypotheses ×
# decoder layers × model width), 32 hypotheses of opus-mt-tc-big-ko-en's 6 layers of 1024.
CPU_LOGITS_BUDGET = 32 * 65_001
CPU_DECODER_BUDGET = 32 * 6 * 1024
INSTALL_HINT = "the ct2 backend needs the ctranslate2 package: pip install ctranslate2"


def _ctranslate2():
    try:
        import ctranslate2
    except ImportError:
        raise DariError(INSTALL_HINT) from None
    return ctranslate2


def ct2_available() -> bool:
    """Whether `--backend auto` can pick ct2; looks for the package without importing it."""
    return importlib.util.find_spec("ctranslate2") is not None


def pick_device(device: str) -> str:
    """`auto` asks CTranslate2 itself, so the GPU path does not need a CUDA build of torch."""
    return choose_device(device, lambda: _ctranslate2().get_cuda_device_count() > 0, "CTranslate2")


def default_quantization(device: str) -> str:
    """int8 is the fast path on CPUs; GPUs are fastest in float16 and have the memory for it."""
    return "float16" if device == "cuda" else "int8"


def available_cores() -> int:
    """Cores this process may run on: a container or `taskset` limit, not the machine's total."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # macOS and Windows have no affinity masks
        return os.cpu_count() or 1


def cpu_workers(cores: int) -> tuple[int, int]:
    """(batches decoded side by side, threads for each) on `cores` CPU cores.

    Two batches at once, each on half the cores, beat one batch on all of them: a beam-search
    step is many small operations (softmax and top-k over the vocabulary, beam bookkeeping) that
    threads share badly, while two single-threaded workers never wait for each other. More
    workers would each need their own decoding memory (measurements: docs/benchmarks.md,
    "CPU workers and sub-batches").
    """
    workers = 2 if cores >= 2 else 1
    return workers, cores // workers


def even_part_size(sentences: int, largest: int, workers: int) -> int:
    """The size that cuts `sentences` into equal parts of at most `largest`, a multiple of `workers` of them.

    Every worker then gets the same share of the batch and none idles at its end.
    """
    parts = workers * math.ceil(sentences / (workers * largest))
    return max(1, math.ceil(sentences / parts))


def decoder_width(model_dir: str) -> int | None:
    """Decoder layers × model width, what each hypothesis's attention keys and values scale with."""
    config = read_json(os.path.join(model_dir, "config.json"))
    layers, width = config.get("decoder_layers"), config.get("d_model")
    return layers * width if isinstance(layers, int) and isinstance(width, int) else None


def converted_dir(model_id: str, revision: str, quantization: str, root: str | None = None) -> str:
    """Where the converted model lives: one directory per model, revision and quantization.

    The CTranslate2 major version is part of the key because its model format can change
    between major versions.
    """
    major = _ctranslate2().__version__.split(".")[0]
    safe_id = re.sub(r"[^A-Za-z0-9._-]+", "--", model_id.strip("/")).strip("-") or "model"
    name = f"{safe_id}@{revision[:16]}-{quantization}-ct2v{major}"
    return os.path.join(root or cache_root(), "ct2", name)


def convert(model_dir: str, target: str, quantization: str) -> str:
    """Convert the Hugging Face model in `model_dir` to `target` unless it is already there.

    The conversion writes into a temporary sibling directory and renames it into place, so a
    killed or failed conversion never leaves a directory that looks complete; a concurrent run
    that finishes first simply wins.
    """
    if os.path.isfile(os.path.join(target, "model.bin")):
        return target
    ctranslate2 = _ctranslate2()
    from mt.backends.hf import quiet_transformers

    quiet_transformers()  # the converter loads the model with transformers
    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    _remove_abandoned(parent, os.path.basename(target))
    partial = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}.", suffix=".partial", dir=parent)
    try:
        converter = ctranslate2.converters.TransformersConverter(model_dir)
        converter.convert(partial, quantization=quantization, force=True)
    except Exception as err:
        shutil.rmtree(partial, ignore_errors=True)
        raise DariError(f"cannot convert to CTranslate2 ({type(err).__name__}: {err})", model_dir) from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    try:
        os.rename(partial, target)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        if not os.path.isfile(os.path.join(target, "model.bin")):
            raise
    return target


def load_tokens(model_dir: str):
    """sentencepiece alone where it reproduces the model's tokenizer exactly, else transformers."""
    from mt.backends.marian_tokens import load_marian_tokens

    tokens = load_marian_tokens(model_dir)
    if tokens is None:
        from mt.backends.hf import HFTokens

        tokens = HFTokens(model_dir)
    return tokens


class CT2Backend:
    """The `Backend` protocol on top of a `ctranslate2.Translator`.

    The first use of a model (revision, quantization) converts it into the cache; later runs load
    the converted copy directly. `threads=None` uses every core this process may run on.
    """

    name = "ct2"

    def __init__(
        self,
        resolved: ResolvedModel,
        device: str = "auto",
        *,
        quantization: str | None = None,
        threads: int | None = None,
        cache_dir: str | None = None,
    ):
        ctranslate2 = _ctranslate2()
        self.model_id = resolved.model_id
        self.revision = resolved.revision
        self.device = pick_device(device)
        self.quantization = quantization or default_quantization(self.device)
        self.threads = threads or available_cores()
        target = converted_dir(resolved.model_id, resolved.revision, self.quantization, cache_dir)
        self.model_path = convert(resolved.path, target, self.quantization)
        self.tokens = load_tokens(resolved.path)
        self.max_input_tokens, self.max_output_tokens, self.reserves_end_token = model_limits(resolved.path, self.tokens)
        self.decoder_width = decoder_width(resolved.path)
        self.workers, threads_each = cpu_workers(self.threads) if self.device == "cpu" else (1, 0)
        self.translator = ctranslate2.Translator(
            self.model_path,
            device=self.device,
            compute_type="default",  # what it was converted to, or the nearest type the device supports
            intra_threads=threads_each,
            inter_threads=self.workers,
        )

    def count_tokens(self, sentences: list[str]) -> list[int]:
        return [len(tokens) for tokens in self.tokens.encode(sentences)]

    def _sub_batch(self, sentences: int, beams: int) -> int:
        """Sentences a worker decodes at once; 0 = the whole batch.

        On a CPU, peak memory grows with the hypotheses decoded at once (sentences × beams) much
        faster than throughput does: each holds its scores over the whole vocabulary at every
        step, and the attention keys and values of every decoder layer. Budgets on both pick 8
        sentences at beam 4 for opus-mt-ko-en (65k words, 6 × 512) and opus-mt-tc-big-ko-en (32k
        words, 6 × 1024; the vocabulary alone would allow 16): larger sub-batches cost memory at
        the same speed (docs/benchmarks.md, "CPU workers and sub-batches"). The batch is then cut
        into equal parts for the workers. GPUs gain from large batches, so they get the whole batch.
        """
        if self.device == "cuda":
            return 0
        hypotheses = CPU_LOGITS_BUDGET // self.tokens.vocab_size
        if self.decoder_width:
            hypotheses = min(hypotheses, CPU_DECODER_BUDGET // self.decoder_width)
        return even_part_size(sentences, max(1, hypotheses // beams), self.workers)

    def _decoding_length(self, options: GenerationOptions) -> int:
        """`max_length` counts the end token, as transformers does for Marian models, which force
        it into the last slot; CTranslate2's limit counts only the tokens before it."""
        max_new_tokens = min(options.max_length, self.max_output_tokens)
        return max(max_new_tokens - (1 if self.reserves_end_token else 0), 1)

    def translate_batch(self, sentences: list[str], options: GenerationOptions) -> list[Output]:
        if not sentences:
            return []
        source = self.tokens.encode(sentences)
        max_decoding_length = self._decoding_length(options)
        results = self._decode(source, self._lead_prefixes(len(source)), options, attention=False)
        hypotheses = [result.hypotheses[0] for result in results]
        texts = self.tokens.decode(hypotheses)
        return [Output(text.strip(), len(h) >= max_decoding_length) for text, h in zip(texts, hypotheses)]

    @property
    def lead_tokens(self) -> int:
        """Target tokens every hypothesis starts with (a forced language code)."""
        return len(self.tokens.target_prefix or [])

    def source_tokens(self, sentences: list[str]) -> list[list[str]]:
        return self.tokens.encode(sentences)

    def target_tokens(self, text: str) -> list[str] | None:
        return self.tokens.encode_target(text)

    def decode_candidates(
        self,
        sentences: list[str],
        options: GenerationOptions,
        *,
        hypotheses: int = 1,
        prefixes: list[list[str]] | None = None,
        suppress: list[list[str]] | None = None,
    ) -> list[list[Candidate]]:
        """The `hypotheses` best translations of each sentence with their attention.

        With `prefixes` (whole target tokens, the language code included) every hypothesis starts
        with its sentence's prefix, and the token after the prefix begins a word or is
        punctuation: where decoding glued a word onto the prefix's last one, the likeliest token
        that does not is forced too (`_after_prefix`), and that sentence decoded again.
        """
        source = self.tokens.encode(sentences)
        target_prefix = prefixes if prefixes is not None else self._lead_prefixes(len(sentences))
        results = self._decode(source, target_prefix, options, hypotheses, suppress)
        if prefixes is not None:
            glued = [i for i, (prefix, result) in enumerate(zip(prefixes, results)) if _continues_word(result.hypotheses[0], len(prefix))]
            if glued:
                extended = self._after_prefix([source[i] for i in glued], [prefixes[i] for i in glued], options)
                redone = self._decode([source[i] for i in glued], extended, options, hypotheses, suppress)
                for i, result in zip(glued, redone):
                    results[i] = result
        max_decoding_length = self._decoding_length(options)
        out = []
        for result in results:
            texts = self.tokens.decode(result.hypotheses)
            out.append([
                Candidate(tokens, text.strip(), attention, len(tokens) >= max_decoding_length)
                for tokens, text, attention in zip(result.hypotheses, texts, result.attention)
            ])
        return out

    def _lead_prefixes(self, count: int) -> list[list[str]] | None:
        """The forced language code of every sentence, where the model has one."""
        lead = self.tokens.target_prefix
        return [lead] * count if lead else None

    def _decode(self, source, target_prefix, options: GenerationOptions, hypotheses: int = 1, suppress=None,
                attention: bool = True) -> list:
        """One CTranslate2 call; attention only where a glossary term must be placed (it costs time)."""
        return self.translator.translate_batch(
            source,
            target_prefix=target_prefix,
            max_batch_size=self._sub_batch(len(source), options.beams),
            beam_size=max(options.beams, hypotheses),
            num_hypotheses=hypotheses,
            max_decoding_length=self._decoding_length(options),
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            repetition_penalty=options.repetition_penalty,
            suppress_sequences=suppress or None,
            return_attention=attention,
        )

    def _after_prefix(self, source, prefixes: list[list[str]], options: GenerationOptions) -> list[list[str]]:
        """Each prefix with the likeliest next token that begins a word or is punctuation (of the
        ALTERNATIVES likeliest), found by decoding one step past the prefix."""
        limit = self._decoding_length(options)
        probe = self.translator.translate_batch(
            source,
            target_prefix=prefixes,
            beam_size=1,
            num_hypotheses=ALTERNATIVES,
            return_alternatives=True,
            max_decoding_length=min(max(map(len, prefixes)) + 1, limit),
        )
        extended = []
        for prefix, result in zip(prefixes, probe):
            nexts = [h[len(prefix)] for h in result.hypotheses if len(h) > len(prefix)]
            boundary = next((token for token in nexts if not continues_word(token)), None)
            extended.append(prefix + [boundary] if boundary and len(prefix) < limit else prefix)
        return extended


# Next tokens looked at when a word must not be glued onto a forced term (a one-step decode).
ALTERNATIVES = 16


def _continues_word(tokens: list[str], position: int) -> bool:
    """Whether there is a token at `position` and it carries on the previous word."""
    return position < len(tokens) and continues_word(tokens[position])


ABANDONED_AFTER_S = 6 * 3600  # far longer than converting any model takes


def _remove_abandoned(parent: str, name: str) -> None:
    """Delete the partial conversions of `name` that a killed run left behind.

    Young ones are left alone: another process may be converting the same model right now.
    """
    now = time.time()
    for entry in os.listdir(parent):
        path = os.path.join(parent, entry)
        if entry.startswith(f".{name}.") and entry.endswith(".partial"):
            with contextlib.suppress(OSError):
                if now - os.stat(path).st_mtime > ABANDONED_AFTER_S:
                    shutil.rmtree(path)
