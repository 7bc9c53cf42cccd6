"""The transformers backend: any seq2seq translation model that `from_pretrained` can load."""

from __future__ import annotations

import os
import warnings

from mt.backends.base import Candidate, GenerationOptions, Output, choose_device, continues_word
from mt.io.errors import DariError
from mt.models import ResolvedModel, model_limits, read_json


def pick_device(device: str) -> str:
    def has_cuda() -> bool:
        import torch

        return torch.cuda.is_available()

    return choose_device(device, has_cuda, "torch")


def quiet_transformers() -> None:
    """Keep stderr for dari's own progress and messages, not library load bars and hints."""
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")


def language_arguments(tokenizer) -> dict:
    """Source/target language settings for multilingual models (NLLB, M2M100); none for Marian."""
    vocab = tokenizer.get_vocab()
    if "kor_Hang" in vocab and "eng_Latn" in vocab:  # NLLB codes
        tokenizer.src_lang = "kor_Hang"
        return {"forced_bos_token_id": vocab["eng_Latn"]}
    if hasattr(tokenizer, "get_lang_id"):  # M2M100 codes
        tokenizer.src_lang = "ko"
        return {"forced_bos_token_id": tokenizer.get_lang_id("en")}
    return {}


class HFTokens:
    """The model's own Hugging Face tokenizer as CTranslate2 wants it: token strings in and out.

    Multilingual models (NLLB, M2M100) get the Korean source code set on the tokenizer, and the
    English code that transformers forces as the first output token becomes `target_prefix`.
    """

    def __init__(self, model_dir: str):
        quiet_transformers()
        self.tokenizer = _load_tokenizer(model_dir)
        target_code = language_arguments(self.tokenizer).get("forced_bos_token_id")
        self.target_prefix = None if target_code is None else [self.tokenizer.convert_ids_to_tokens(target_code)]
        self.vocab_size = len(self.tokenizer)
        self.model_max_length = self.tokenizer.model_max_length

    def encode(self, sentences: list[str]) -> list[list[str]]:
        return [self.tokenizer.convert_ids_to_tokens(ids) for ids in self.tokenizer(sentences)["input_ids"]]

    def decode(self, hypotheses: list[list[str]]) -> list[str]:
        ids = [self.tokenizer.convert_tokens_to_ids(tokens) for tokens in hypotheses]
        return self.tokenizer.batch_decode(ids, skip_special_tokens=True)

    def encode_target(self, text: str) -> list[str] | None:
        return target_tokens(self.tokenizer, text)


def target_tokens(tokenizer, text: str) -> list[str] | None:
    """Target tokens of `text` as a word inside a sentence; None if the vocabulary cannot spell it."""
    ids = tokenizer(text_target=text, add_special_tokens=False)["input_ids"]
    if not ids or tokenizer.unk_token_id in ids:
        return None
    return tokenizer.convert_ids_to_tokens(ids)


def _load_tokenizer(model_dir: str):
    """The model's own tokenizer class when it names one: AutoTokenizer would import torch."""
    import transformers

    name = read_json(os.path.join(model_dir, "tokenizer_config.json")).get("tokenizer_class")
    tokenizer_class = getattr(transformers, name, None) if isinstance(name, str) else None
    return (tokenizer_class or transformers.AutoTokenizer).from_pretrained(model_dir)


class HFBackend:
    name = "hf"

    def __init__(self, resolved: ResolvedModel, device: str = "auto"):
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        quiet_transformers()
        self.model_id = resolved.model_id
        self.revision = resolved.revision
        self.device = pick_device(device)
        dtype = torch.float16 if self.device == "cuda" else torch.float32
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(resolved.path)
            self.model = AutoModelForSeq2SeqLM.from_pretrained(resolved.path, dtype=dtype)
        except (OSError, ValueError, KeyError) as err:
            first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise DariError(f"cannot load translation model: {first_line}", resolved.model_id) from None
        self.model.to(self.device).eval()
        self.generate_arguments = language_arguments(self.tokenizer)
        self.max_input_tokens, self.max_output_tokens, self.forces_end_token = model_limits(resolved.path, self.tokenizer)
        generation = self.model.generation_config
        ends = generation.eos_token_id
        self.end_tokens = set(ends if isinstance(ends, list) else [ends])

    def count_tokens(self, sentences: list[str]) -> list[int]:
        return [len(ids) for ids in self.tokenizer(sentences)["input_ids"]]

    def translate_batch(self, sentences: list[str], options: GenerationOptions) -> list[Output]:
        import torch

        encoded = self.tokenizer(sentences, return_tensors="pt", padding=True).to(self.device)
        max_new_tokens = min(options.max_length, self.max_output_tokens)
        with torch.inference_mode():
            generated = self.model.generate(
                **encoded,
                num_beams=options.beams,
                max_new_tokens=max_new_tokens,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                repetition_penalty=options.repetition_penalty,
                **self.generate_arguments,
            )
        texts = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
        content_limit = max_new_tokens - (1 if self.forces_end_token else 0)
        outputs = []
        for row, text in zip(generated[:, 1:].tolist(), texts):  # position 0 is the decoder start
            content = next((k for k, token in enumerate(row) if token in self.end_tokens), len(row))
            outputs.append(Output(text.strip(), content >= content_limit))
        return outputs

    @property
    def lead_tokens(self) -> int:
        """Target tokens every hypothesis starts with (the language code NLLB and M2M100 force)."""
        return 1 if "forced_bos_token_id" in self.generate_arguments else 0

    def source_tokens(self, sentences: list[str]) -> list[list[str]]:
        return [self.tokenizer.convert_ids_to_tokens(ids) for ids in self.tokenizer(sentences)["input_ids"]]

    def target_tokens(self, text: str) -> list[str] | None:
        return target_tokens(self.tokenizer, text)

    def decode_candidates(
        self,
        sentences: list[str],
        options: GenerationOptions,
        *,
        hypotheses: int = 1,
        prefixes: list[list[str]] | None = None,
        suppress: list[list[str]] | None = None,
    ) -> list[list[Candidate]]:
        """As the ct2 backend's, in one `generate` call: each sentence's prefix is forced token by
        token by a logits processor (so prefixes of any length share the batch), the token right
        after it must begin a word or be punctuation, and suppressed sequences are bad words.

        Candidates come without attention (a teacher-forced pass costs about as much as the
        decoding itself); `attention` computes it for the few hypotheses that need it.
        """
        import torch

        encoded = self.tokenizer(sentences, return_tensors="pt", padding=True).to(self.device)
        bad_words = list(self.model.generation_config.bad_words_ids or [])
        bad_words += [self.tokenizer.convert_tokens_to_ids(sequence) for sequence in suppress or []]
        arguments = dict(self.generate_arguments)
        beams = max(options.beams, hypotheses)
        if prefixes is not None:
            arguments.pop("forced_bos_token_id", None)  # the prefixes hold the language code
            ids = [self.tokenizer.convert_tokens_to_ids(prefix) for prefix in prefixes]
            arguments["logits_processor"] = [self._prefix_processor(ids, beams)]
        max_new_tokens = min(options.max_length, self.max_output_tokens)
        with torch.inference_mode():
            generated = self.model.generate(
                **encoded,
                num_beams=beams,
                num_return_sequences=hypotheses,
                max_new_tokens=max_new_tokens,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                repetition_penalty=options.repetition_penalty,
                bad_words_ids=bad_words or None,
                **arguments,
            )
        content_limit = max_new_tokens - (1 if self.forces_end_token else 0)
        texts = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
        out: list[list[Candidate]] = [[] for _ in sentences]
        for row_index, (row, text) in enumerate(zip(generated[:, 1:].tolist(), texts)):  # position 0 is the decoder start
            content = next((k for k, token in enumerate(row) if token in self.end_tokens), len(row))
            tokens = self.tokenizer.convert_ids_to_tokens(row[:content])
            out[row_index // hypotheses].append(Candidate(tokens, text.strip(), None, content >= content_limit))
        return out

    def _prefix_processor(self, prefixes: list[list[int]], beams: int):
        """Forces row b's prefix, then allows only a token that does not continue its last word."""
        import torch
        from transformers import LogitsProcessor

        if getattr(self, "_continuations", None) is None:
            tokens = self.tokenizer.convert_ids_to_tokens(list(range(len(self.tokenizer))))
            self._continuations = torch.tensor([continues_word(t) for t in tokens], device=self.device)
        continuations = self._continuations
        longest = max(map(len, prefixes), default=0)

        class ForcedPrefix(LogitsProcessor):
            def __call__(self, input_ids, scores):
                step = input_ids.shape[1] - 1  # tokens after the decoder start
                if step > longest:  # every prefix and the token after it are done: a plain step
                    return scores
                for row in range(scores.shape[0]):
                    prefix = prefixes[row // beams]
                    if step < len(prefix):
                        forced = scores[row, prefix[step]].clamp(min=-1e4)  # even where a penalty banned it
                        scores[row].fill_(float("-inf"))
                        scores[row, prefix[step]] = forced
                    elif step == len(prefix):
                        width = min(continuations.shape[0], scores.shape[1])
                        scores[row, :width] = scores[row, :width].masked_fill(continuations[:width], float("-inf"))
                return scores

        return ForcedPrefix()

    def attention(self, sentences: list[str], hypotheses: list[list[str]]) -> list[list[list[float]]]:
        """Source weights of each target token of each hypothesis (row k: the step that produced
        token k), from one teacher-forced pass: the last decoder layer's cross-attention, averaged
        over heads."""
        import torch

        encoded = self.tokenizer(sentences, return_tensors="pt", padding=True).to(self.device)
        start, pad = self.model.config.decoder_start_token_id, self.model.config.pad_token_id
        rows = [[start] + self.tokenizer.convert_tokens_to_ids(tokens) for tokens in hypotheses]
        width = max(map(len, rows))
        decoder_ids = torch.tensor([row + [pad] * (width - len(row)) for row in rows], device=self.device)
        implementation = self.model.config._attn_implementation
        self.model.set_attn_implementation("eager")  # fused attention kernels return no weights
        try:
            with torch.inference_mode():
                forward = self.model(**encoded, decoder_input_ids=decoder_ids, output_attentions=True)
        finally:
            self.model.set_attn_implementation(implementation)
        weights = forward.cross_attentions[-1].mean(dim=1)  # (sentences, target, source)
        lengths = encoded["attention_mask"].sum(dim=1).tolist()
        return [w[: len(tokens), : int(n)].tolist() for w, tokens, n in zip(weights, hypotheses, lengths)]
