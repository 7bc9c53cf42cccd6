"""The embedding cache must stay bounded without changing any vector it returns."""

import numpy as np

from aligners import embeddings


def test_cache_is_bounded_and_results_unchanged(monkeypatch):
    encoded: list[str] = []

    def encode(texts):
        encoded.extend(texts)
        return [[len(t), t.count("a") + 1.0] for t in texts]

    monkeypatch.setitem(embeddings._models, "fake", encode)
    monkeypatch.setattr(embeddings, "_cache", embeddings.OrderedDict())
    monkeypatch.setattr(embeddings, "CACHE_SIZE", 3)
    texts = ["a", "bb", "cac", "dddd", "eaeae", "bb"]
    vectors = embeddings.embed(texts, "fake")
    expected = np.array([[len(t), t.count("a") + 1.0] for t in texts], dtype=np.float32)
    assert np.allclose(vectors, expected / np.linalg.norm(expected, axis=1, keepdims=True))
    assert len(embeddings._cache) == 3 and encoded.count("bb") == 1
    encoded.clear()
    embeddings.embed(["eaeae", "a"], "fake")
    assert encoded == ["a"]  # "eaeae" was kept as recent, "a" had been evicted
