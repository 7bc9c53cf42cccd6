"""`dari translate --glossary`: every glossary term of a sentence appears in its translation.

Real (tiny, random-weight) Marian models on both backends: they never produce the
glossary's names by themselves, so every term has to be forced, and the tests show that it is,
where, and what is flagged. A stand-in backend plays the model where the test is about the choice
among hypotheses.
"""

import json

import pytest
from click.testing import CliRunner

from mt.backends.base import Candidate, GenerationOptions, Output
from mt.cache import TranslationCache
from mt.cli import main
from mt.glossary import find_rendering, parse_glossary
from mt.term_decoding import aligned_run, source_span, translate_with_terms
from mt.translate import Translator

GLOSSARY_TEXT = "힌시테인\tKhinshtein\tHinshtein\n개성\tKaesong\tGaeseong\n서울\tSeoul\n"
WITH_TERMS = ["힌시테인은 개성에서 말했다.", "서울에서 기자회견이 열렸다.", "서울 시민들이 모였다."]
WITHOUT_TERMS = ["오늘은 비가 온다.", "회의는 내일 열린다."]
OPTIONS = GenerationOptions(beams=2, max_length=24)

ctranslate2 = pytest.importorskip("ctranslate2")


@pytest.fixture(scope="module")
def glossary():
    return parse_glossary(GLOSSARY_TEXT)


def translator(model_dir, backend, **kwargs):
    return Translator(str(model_dir), backend=backend, device="cpu", options=OPTIONS, **kwargs)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["ct2", "hf"])
def test_every_term_appears_and_sentences_without_terms_are_untouched(tiny_model_dir, glossary, backend):
    sentences = WITH_TERMS + WITHOUT_TERMS
    plain = translator(tiny_model_dir, backend).translate_sentences(sentences)
    forced = translator(tiny_model_dir, backend, glossary=glossary).translate_sentences(sentences)
    for sentence, before, after in zip(WITH_TERMS, plain, forced):
        terms = glossary.find(sentence)
        assert terms and not any(find_rendering(before.mt, m.entry) for m in terms)  # the model alone never has them
        assert all(find_rendering(after.mt, m.entry) for m in terms), after.mt
        assert "term_forced" in after.flags and "term_missing" not in after.flags
    assert forced[len(WITH_TERMS):] == plain[len(WITH_TERMS):]


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["ct2", "hf"])
def test_a_rendering_the_vocabulary_cannot_spell_is_flagged_missing_not_forced(tiny_model_dir, backend):
    glossary = parse_glossary("힌시테인\tХинштейн\n")  # Cyrillic: not in the tiny model's target vocabulary
    [result] = translator(tiny_model_dir, backend, glossary=glossary).translate_sentences(["힌시테인은 말했다."])
    assert "term_missing" in result.flags and "term_forced" not in result.flags
    assert "<unk>" not in result.mt


@pytest.mark.slow
def test_the_cache_key_holds_only_the_entries_that_apply(tiny_model_dir, tmp_path):
    cache = TranslationCache(str(tmp_path / "cache.sqlite3"))
    sentences = WITH_TERMS[:2] + WITHOUT_TERMS[:1]
    translator(tiny_model_dir, "ct2", cache=cache).translate_sentences(sentences)
    first = translator(tiny_model_dir, "ct2", cache=cache, glossary=parse_glossary(GLOSSARY_TEXT))
    first.translate_sentences(sentences)
    assert (first.stats.cached, first.stats.translated) == (1, 2)  # the sentence without terms is shared
    edited = parse_glossary(GLOSSARY_TEXT.replace("Kaesong\tGaeseong", "Kaesong City\tGaeseong"))
    again = translator(tiny_model_dir, "ct2", cache=cache, glossary=edited)
    results = again.translate_sentences(sentences)
    assert (again.stats.cached, again.stats.translated) == (2, 1)  # only the sentence with 개성 is redone
    assert "Kaesong City" in results[0].mt


def test_source_span_finds_the_term_tokens_even_when_a_particle_shares_its_last_token():
    class Pieces:
        def source_tokens(self, sentences):  # three characters a token, then the end token
            return [[s[k : k + 3] for k in range(0, len(s), 3)] + ["</s>"] for s in sentences]

    text = "오늘 힌시테인은 말했다"
    tokens = Pieces().source_tokens([text])[0]  # ['오늘 ', '힌시테', '인은 ', '말했다', '</s>']
    start = text.index("힌시테인")
    assert source_span(Pieces(), tokens, text, start, start + 4) == (1, 3)


def test_the_words_written_for_the_term_are_found_from_the_attention_and_never_before_the_floor():
    tokens = ["▁The", "▁man", "▁Hin", "sh", "tein", "▁,", "▁said"]
    on_term, elsewhere = [0.1, 0.8, 0.1], [0.9, 0.1, 0.0]
    attention = [elsewhere, elsewhere, on_term, elsewhere, on_term, on_term, elsewhere]
    candidate = Candidate(tokens, "The man Hinshtein, said", attention)
    assert aligned_run(candidate, (1, 2), floor=0) == (2, 6)  # ▁Hin sh tein ▁, (the comma attends to the term too)
    late = Candidate(tokens, "", [elsewhere] * 3 + [on_term] + [elsewhere] * 3)
    assert aligned_run(late, (1, 2), floor=0) == (2, 5)  # peak on "sh": from the start of its word
    assert aligned_run(late, (1, 2), floor=3) == (3, 5)  # never into the forced part
    nowhere = Candidate(tokens, "", [[1.0, 0.0, 0.0]] * 7)
    assert aligned_run(nowhere, (1, 2), floor=0) == (7, 7)  # nothing attends to the term: appended


class NBestBackend:
    """Plays a model whose n-best list holds the term only in its third hypothesis."""

    lead_tokens = 0

    def __init__(self):
        self.calls = []

    def translate_batch(self, sentences, options):
        self.calls.append(("plain", list(sentences)))
        return [Output(f"EN {s}") for s in sentences]

    def decode_candidates(self, sentences, options, *, hypotheses=1, prefixes=None, suppress=None):
        self.calls.append(("candidates", list(sentences), hypotheses, prefixes, suppress))
        texts = ["He said so", "Hinshtein said so", "Khinshtein said so", "Khinshtein said it"]
        return [[Candidate(t.split(), t if "힌시테인" in s else f"{t} ({s})", []) for t in texts[:hypotheses]] for s in sentences]

    def source_tokens(self, sentences):
        return [list(s) for s in sentences]

    def target_tokens(self, text):
        return {"Khinshtein": ["▁Kh", "in", "sh", "tein"], "Hinshtein": ["▁Hin", "sh", "tein"], "Kh": ["▁Kh"]}.get(text, ["▁" + text])


def test_a_hypothesis_of_the_n_best_that_renders_every_term_is_kept_without_forcing():
    backend = NBestBackend()
    glossary = parse_glossary("힌시테인\tKhinshtein\tHinshtein|Kh\n")
    outputs, flags = translate_with_terms(backend, ["힌시테인은 말했다.", "비가 온다."], GenerationOptions(beams=4), glossary)
    assert outputs[0].text == "Khinshtein said so" and flags[0] == []
    assert outputs[1].text == "He said so (비가 온다.)" and flags[1] == []  # the first hypothesis: the plain translation
    assert backend.calls == [("candidates", ["힌시테인은 말했다.", "비가 온다."], 4, None, None)]  # nothing re-decoded
    assert translate_with_terms(backend, ["비가 온다."], GenerationOptions(beams=4), glossary) == ([Output("EN 비가 온다.")], [[]])


def test_forced_decoding_suppresses_variants_except_those_spelt_like_the_start_of_a_rendering():
    class Stubborn(NBestBackend):
        def decode_candidates(self, sentences, options, *, hypotheses=1, prefixes=None, suppress=None):
            self.calls.append(("candidates", list(sentences), hypotheses, prefixes, suppress))
            if prefixes:
                return [[Candidate(p + ["▁said"], "Khinshtein said", [])] for p in prefixes]
            return [[Candidate(["▁Hin", "sh", "tein", "▁said"], "Hinshtein said", [[0.0, 1.0]] * 4)] for _ in sentences]

    backend = Stubborn()
    glossary = parse_glossary("힌시테인\tKhinshtein\tHinshtein|Kh\n")
    outputs, flags = translate_with_terms(backend, ["힌시테인은 말했다."], GenerationOptions(beams=4), glossary)
    assert outputs[0].text == "Khinshtein said" and flags[0] == ["term_forced"]
    _, _, hypotheses, prefixes, suppress = backend.calls[1]
    assert prefixes == [["▁Kh", "in", "sh", "tein"]]  # the words written for the term are replaced
    assert suppress == [["▁Hin", "sh", "tein"]]  # "Kh" would block "Khinshtein" itself


def test_translate_cli_flags_forced_terms_in_jsonl(tiny_model_dir, tmp_path):
    article, names = tmp_path / "a.txt", tmp_path / "names.tsv"
    article.write_text("힌시테인은 개성에서 말했다.\n오늘은 비가 온다.\n", encoding="utf-8")
    names.write_text(GLOSSARY_TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, [
        "translate", str(article), "--model", str(tiny_model_dir), "--glossary", str(names), "--format", "jsonl",
        "--beams", "2", "--max-length", "24", "--cache", str(tmp_path / "c.sqlite3"),
    ])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert "term_forced" in records[0]["flags"] and "Khinshtein" in records[0]["mt"] and "Kaesong" in records[0]["mt"]
    assert not {"term_forced", "term_missing"} & set(records[1]["flags"])
    assert "term_forced=1" in result.stderr


def test_forced_sentences_of_several_batches_are_decoded_again_in_one_call(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{}")

    class Forcing(NBestBackend):
        max_input_tokens = 64

        def count_tokens(self, sentences):
            return [len(s) for s in sentences]

        def decode_candidates(self, sentences, options, *, hypotheses=1, prefixes=None, suppress=None):
            self.calls.append(("candidates", list(sentences), hypotheses, prefixes, suppress))
            if prefixes:
                return [[Candidate(p + ["▁said"], "Khinshtein said", [])] for p in prefixes]
            return [[Candidate(["▁He", "▁said"], "He said", [[0.0, 1.0]] * 2)] * hypotheses for _ in sentences]

    backend = Forcing()
    sentences = [f"힌시테인은 {k}번 말했다." for k in range(6)]
    translator = Translator(str(tmp_path / "model"), backend_factory=lambda resolved, device: backend, batch_size=2,
                            options=GenerationOptions(beams=2), glossary=parse_glossary("힌시테인\tKhinshtein\n"))
    results = translator.translate_sentences(sentences)
    assert all(r.mt == "Khinshtein said" and r.flags == ["term_forced"] for r in results)
    first, forced = [c for c in backend.calls if c[3] is None], [c for c in backend.calls if c[3]]
    assert [len(c[1]) for c in first] == [2, 2, 2] and len(forced) == 1 and sorted(forced[0][1]) == sorted(sentences)
