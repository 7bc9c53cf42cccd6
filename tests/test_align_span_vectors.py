"""Merged spans: combined from sentence vectors when MT is given, with their chance similarity taken out."""

import numpy as np

from aligners import align, embeddings
from aligners.signals import PairScorer, Side, Weights


def test_only_sentences_are_encoded_unless_spans_are_asked_for(monkeypatch):
    encoded: list[str] = []

    def encode(texts):
        encoded.extend(texts)
        return [[len(t), t.count("a") + 1.0, 1.0] for t in texts]

    monkeypatch.setitem(embeddings._models, "fake", encode)
    monkeypatch.setattr(embeddings, "_cache", embeddings.OrderedDict())
    src, tgt = ["aa b.", "c a.", "dd."], ["x.", "ya a.", "zz zz."]
    align(src, tgt, mt=["ax.", "b.", "c."], embed="fake", embed_scope="all")
    assert sorted(encoded) == sorted(src + tgt)
    align(src, tgt, mt=["ax.", "b.", "c."], embed="fake", embed_scope="all", encode_spans=True)
    assert "aa b. c a." in encoded and "x. ya a. zz zz." in encoded


def test_without_mt_merged_spans_are_encoded_by_default(monkeypatch):
    encoded: list[str] = []
    monkeypatch.setitem(embeddings._models, "fake", lambda texts: encoded.extend(texts) or [[len(t), 1.0] for t in texts])
    monkeypatch.setattr(embeddings, "_cache", embeddings.OrderedDict())
    align(["aa b.", "c a."], ["x.", "ya a."], embed="fake")
    assert "aa b. c a." in encoded


def _unrelated(count: int, level: float, seed: int = 0) -> np.ndarray:
    """Unit vectors with pairwise cosine `level`: a shared direction plus orthogonal parts."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.normal(size=(count + 1, count + 1)))[0]
    return np.sqrt(level) * basis[0] + np.sqrt(1.0 - level) * basis[1:]


def test_summed_spans_of_unrelated_sentences_score_as_unrelated():
    level = 0.75
    vectors = _unrelated(8, level)
    lengths = np.array([10.0, 40.0, 25.0, 30.0, 12.0, 50.0, 20.0, 35.0])
    src = Side(lengths[:4], vectors[:4])
    tgt = Side(lengths[4:], vectors[4:])
    scorer = PairScorer(src, tgt, Weights(), skip=1.0, length_sigma=0.3)
    scorer._calibration["embed"] = (level, 0.12)
    rows, cols = np.array([3, 4]), np.array([3, 4])  # span ends: a-b beads end after these sentences
    for a, b in [(1, 1), (2, 1), (1, 3), (2, 2)]:
        raw = np.einsum("ij,ij->i", src.span_vectors(rows - a, a), tgt.span_vectors(cols - b, b))
        assert np.allclose(scorer._embed_similarity(rows, cols, a, b), level)
        if a + b > 2:
            assert (raw > level + 0.02).all()  # what the sum alone would have said
