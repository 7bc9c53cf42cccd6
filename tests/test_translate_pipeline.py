"""The pipeline's own logic (batching, splitting, retries, cache) with a stand-in backend.

The stand-in only plays the model; what is asserted is what the pipeline does around it.
"""

import pytest

from mt.backends.base import GenerationOptions, Output
from mt.cache import TranslationCache
from mt.translate import Document, Translator


class ScriptedBackend:
    """'Translates' by tagging each input; loops on inputs containing 반복 unless anti-repetition is on;
    stops at the length limit on inputs containing 긴."""

    name = "scripted"

    def __init__(self, resolved=None, device="cpu", max_input_tokens=12, stubborn=False):
        self.model_id = "scripted"
        self.revision = "r1"
        self.max_input_tokens = max_input_tokens
        self.stubborn = stubborn
        self.calls: list[list[str]] = []

    def count_tokens(self, sentences):
        return [len(s.split()) + 1 for s in sentences]

    def translate_batch(self, sentences, options: GenerationOptions):
        self.calls.append(list(sentences))
        out = []
        for s in sentences:
            if "반복" in s and (self.stubborn or options.no_repeat_ngram_size == 0):
                out.append(Output("poor, poor, poor, poor, poor"))
            else:
                out.append(Output(f"EN({s})", truncated="긴" in s))
        return out


@pytest.fixture
def model_dir(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{}")
    return str(tmp_path / "model")


def make(model_dir, backend, **kwargs):
    return Translator(model_dir, backend_factory=lambda resolved, device: backend, **kwargs)


def test_one_translation_per_sentence_in_order_and_duplicates_translated_once(model_dir):
    backend = ScriptedBackend()
    sentences = ["가 나.", "다 라 마.", "가 나.", "바."]
    result = make(model_dir, backend).translate_sentences(sentences)
    assert [t.mt for t in result] == [f"EN({s})" for s in sentences]
    assert sum(len(call) for call in backend.calls) == 3


def test_batches_are_length_sorted_and_bounded(model_dir):
    backend = ScriptedBackend(max_input_tokens=100)
    sentences = [" ".join(["가"] * n) for n in (3, 9, 1, 7, 5)]
    make(model_dir, backend, batch_size=2).translate_sentences(sentences)
    lengths = [[len(s.split()) for s in call] for call in backend.calls]
    assert lengths == [[9, 7], [5, 3], [1]]


def test_long_sentence_is_split_into_pieces_and_flagged(model_dir):
    backend = ScriptedBackend(max_input_tokens=12)
    long_sentence = " ".join(f"단어{i}," if i % 5 == 4 else f"단어{i}" for i in range(40))
    [result] = make(model_dir, backend).translate_sentences([long_sentence])
    assert "split" in result.flags
    pieces = backend.calls[0]
    assert len(pieces) > 1 and all(len(p.split()) + 1 <= 12 for p in pieces)
    assert " ".join(pieces).split() == long_sentence.split()  # nothing dropped
    assert result.mt == " ".join(f"EN({p})" for p in pieces)


def test_loop_is_retried_with_anti_repetition_settings(model_dir):
    backend = ScriptedBackend()
    fixed, = make(model_dir, backend).translate_sentences(["반복 문장."])
    assert fixed.mt == "EN(반복 문장.)" and fixed.flags == ["retried"]
    still_bad, = make(model_dir, ScriptedBackend(stubborn=True)).translate_sentences(["반복 문장."])
    assert still_bad.flags == ["repetition"]


def test_sentences_without_hangul_are_copied_not_translated(model_dir):
    backend = ScriptedBackend()
    result = make(model_dir, backend).translate_sentences(["hong@example.com", "한국어."])
    assert result[0].mt == "hong@example.com" and result[0].flags == ["copied"]
    assert backend.calls == [["한국어."]]


def test_cache_answers_without_loading_the_model(model_dir, tmp_path):
    cache = TranslationCache(str(tmp_path / "cache.sqlite3"))
    first = make(model_dir, ScriptedBackend(), cache=cache).translate_sentences(["가 나.", "다 라."])

    def no_model(resolved, device):
        raise AssertionError("model loaded although every sentence is cached")

    again = Translator(model_dir, backend_factory=no_model, cache=cache)
    assert again.translate_sentences(["다 라.", "가 나."]) == [first[1], first[0]]
    assert again.stats.cached == 2 and again.stats.translated == 0


def test_cache_key_includes_generation_options(model_dir, tmp_path):
    cache = TranslationCache(str(tmp_path / "cache.sqlite3"))
    make(model_dir, ScriptedBackend(), cache=cache).translate_sentences(["가 나."])
    backend = ScriptedBackend()
    make(model_dir, backend, cache=cache, options=GenerationOptions(beams=1)).translate_sentences(["가 나."])
    assert backend.calls == [["가 나."]]


def test_documents_keep_whitespace_and_number_sentences_across_paragraphs(model_dir):
    text = "제목 한 줄\n\n첫 문장이다.  둘째 문장이다.\n셋째 문장.\n"
    [doc] = make(model_dir, ScriptedBackend()).translate_documents([Document("d1", text)])
    assert [(r.para, r.sent, r.src) for r in doc.records] == [
        (0, 0, "제목 한 줄"),
        (1, 1, "첫 문장이다."),
        (1, 2, "둘째 문장이다."),
        (2, 3, "셋째 문장."),
    ]
    assert doc.text == "EN(제목 한 줄)\n\nEN(첫 문장이다.)  EN(둘째 문장이다.)\nEN(셋째 문장.)\n"


def test_token_budget_bounds_padded_batch_size(model_dir):
    backend = ScriptedBackend(max_input_tokens=100)
    sentences = [" ".join(["가"] * (n - 1) + [f"나{i}"]) for i, n in enumerate((9, 9, 9, 2, 2, 2, 2, 2))]
    make(model_dir, backend, batch_size=32, batch_tokens=20).translate_sentences(sentences)
    padded = [max(len(s.split()) + 1 for s in call) * len(call) for call in backend.calls]
    assert all(size <= 20 for size in padded)
    assert [len(call) for call in backend.calls] == [2, 2, 4]


def test_translations_from_another_device_are_not_reused(model_dir, tmp_path):
    cache = TranslationCache(str(tmp_path / "cache.sqlite3"))

    def factory_on(device_name, backend):
        def factory(resolved, device):
            return backend

        factory.backend_name = "scripted"
        factory.pick_device = lambda requested: device_name
        return factory

    Translator(model_dir, backend_factory=factory_on("cpu", ScriptedBackend()), cache=cache).translate_sentences(["가 나."])
    on_gpu = ScriptedBackend()
    translator = Translator(model_dir, backend_factory=factory_on("cuda", on_gpu), cache=cache)
    translator.translate_sentences(["가 나."])
    assert on_gpu.calls == [["가 나."]] and translator.device == "cuda"


def test_output_cut_off_at_the_length_limit_is_flagged(model_dir):
    cut, whole = make(model_dir, ScriptedBackend()).translate_sentences(["아주 긴 문장.", "짧은 문장."])
    assert cut.flags == ["truncated"] and whole.flags == []
