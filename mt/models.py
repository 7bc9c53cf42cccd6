"""Which model to run and where its files are.

A hub id is resolved to a local snapshot before anything heavy is imported: the snapshot's commit
hash is the model revision in the translation cache key, so a re-run can be answered from the cache
without loading the model at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass

from mt.io.errors import DariError

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-tc-big-ko-en"

ALIASES = {
    "opus-mt-tc-big": "Helsinki-NLP/opus-mt-tc-big-ko-en",
    "opus-mt": "Helsinki-NLP/opus-mt-ko-en",
    "nllb-600m": "facebook/nllb-200-distilled-600M",
    "nllb-1.3b": "facebook/nllb-200-distilled-1.3B",
    "nllb-3.3b": "facebook/nllb-200-3.3B",
    "m2m100-418m": "facebook/m2m100_418M",
    "m2m100-1.2b": "facebook/m2m100_1.2B",
}

# Framework copies we never load; skipping them keeps a first download to what transformers needs.
_IGNORED_FILES = ["*.h5", "*.msgpack", "*.ot", "*.onnx", "*.tflite", "*.ckpt", "*.gguf"]


@dataclass(frozen=True)
class ResolvedModel:
    model_id: str  # the hub id or the directory the user named (aliases expanded)
    path: str  # a local directory holding config, tokenizer and weights
    revision: str  # hub commit hash, or a content fingerprint of a local directory


def local_fingerprint(path: str) -> str:
    """Content-based identity of a model directory: copies match, retrained weights do not.

    Hashes each file's name, size and first and last MiB, which is fast on multi-GB weights and
    still changes whenever a file is replaced.
    """
    digest = hashlib.sha256()
    chunk = 1 << 20
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            size = os.path.getsize(full)
            digest.update(f"{os.path.relpath(full, path)}\0{size}\0".encode())
            with open(full, "rb") as handle:
                digest.update(handle.read(chunk))
                if size > 2 * chunk:
                    handle.seek(-chunk, os.SEEK_END)
                    digest.update(handle.read(chunk))
    return "local-" + digest.hexdigest()[:16]


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or os.sep != "/" and os.sep in name


def resolve_model(name: str, revision: str | None = None) -> ResolvedModel:
    model_id = ALIASES.get(name, name)
    expanded = os.path.expanduser(model_id)
    if os.path.isdir(expanded):
        if not os.path.isfile(os.path.join(expanded, "config.json")):
            raise DariError("not a model directory (no config.json)", model_id)
        return ResolvedModel(model_id, os.path.abspath(expanded), local_fingerprint(expanded))
    if _looks_like_path(model_id) or os.path.exists(expanded):
        raise DariError("no such model directory", model_id)
    return _resolve_hub(model_id, revision)


def _resolve_hub(model_id: str, revision: str | None) -> ResolvedModel:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, RepositoryNotFoundError, RevisionNotFoundError

    try:
        path = snapshot_download(model_id, revision=revision, ignore_patterns=_IGNORED_FILES)
    except (RepositoryNotFoundError, HFValidationError):
        raise DariError(
            f"model '{model_id}' not found on the Hugging Face hub and not a local directory; "
            f"known aliases: {', '.join(sorted(ALIASES))}"
        ) from None
    except RevisionNotFoundError:
        raise DariError(f"model '{model_id}' has no revision '{revision}'") from None
    except Exception as err:  # network errors come in many types; all mean the same to the user
        offline = " (HF_HUB_OFFLINE is set)" if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes") else ""
        raise DariError(
            f"could not load model '{model_id}': it is not in the local Hugging Face cache and the hub "
            f"cannot be reached{offline} ({type(err).__name__}); download it on a networked machine or "
            "pass a local model directory with --model DIR"
        ) from None
    return ResolvedModel(model_id, path, os.path.basename(os.path.normpath(path)))


def model_limits(model_dir: str, tokenizer) -> tuple[int, int, bool]:
    """Input and output token limits, and whether the model forces an end token into the last slot.

    Read from the model's JSON files, so both backends use the same numbers and the ct2 backend
    never needs torch to learn them.
    """
    config = read_json(os.path.join(model_dir, "config.json"))
    generation = read_json(os.path.join(model_dir, "generation_config.json"))
    positions = config.get("max_position_embeddings")
    # An unset tokenizer limit is a huge sentinel number; the position table is the real bound.
    limits = [positions, getattr(tokenizer, "model_max_length", None)]
    max_input = min((v for v in limits if isinstance(v, int) and 0 < v < 100_000), default=512)
    # The decoder cannot address more positions than the model was built with, whatever --max-length says.
    max_output = positions - 1 if isinstance(positions, int) else 1 << 20
    forced_eos = generation.get("forced_eos_token_id", config.get("forced_eos_token_id"))
    return max_input, max_output, forced_eos is not None


def read_json(path: str) -> dict:
    with contextlib.suppress(FileNotFoundError):
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    return {}
