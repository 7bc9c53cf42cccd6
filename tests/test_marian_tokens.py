import json
import random
import shutil

import pytest

from mt.backends.marian_tokens import load_marian_tokens
from tiny_models import build_tiny_nllb, fixture_lines

# Unknown characters (a snowman, an emoji, a rare hanja, a compatibility jamo that NFKC rewrites),
# literal special tokens, a target-language code, odd whitespace, nothing at all.
EDGE_CASES = [
    "서울 ☃ 날씨는 맑다 🙂.",
    "龘 의 뜻은?",
    "ㅋㅋ 정말",
    "날씨</s>는<unk> 맑다 <pad>",
    "</s>",
    ">>eng<< 서울에서 회의가 열렸다.",
    ">>eng<<",
    ">> 화살표 << 기호",
    "  앞뒤 공백  ",
    "두  칸\t탭",
    "",
    "English only, with numbers 1,234.5",
]


@pytest.fixture(scope="module")
def marian(tiny_model_dir):
    from transformers import MarianTokenizer

    return MarianTokenizer.from_pretrained(tiny_model_dir)


@pytest.fixture(scope="module")
def tokens(tiny_model_dir):
    loaded = load_marian_tokens(str(tiny_model_dir))
    assert loaded is not None
    return loaded


def test_source_ids_and_tokens_identical_to_transformers(marian, tokens):
    sentences = fixture_lines("ko") + fixture_lines("en") + EDGE_CASES
    ids = marian(sentences)["input_ids"]
    expected = [marian.convert_ids_to_tokens(row) for row in ids]
    encoded = tokens.encode(sentences)
    assert encoded == expected
    assert [[tokens.vocab[token] for token in row] for row in encoded] == ids
    assert sum(row.count("<unk>") for row in expected) > 5  # the fixture really has unknown pieces


def test_decoded_text_identical_to_transformers(marian, tokens):
    vocabulary = list(tokens.vocab)
    rng = random.Random(0)
    hypotheses = [rng.choices(vocabulary, k=rng.randint(0, 20)) for _ in range(500)]
    hypotheses += [marian.tokenize(line) + ["</s>"] for line in fixture_lines("en") + EDGE_CASES]
    hypotheses.append(["<unk>", "▁Seoul", "<pad>", "."])
    ids = [marian.convert_tokens_to_ids(hypothesis) for hypothesis in hypotheses]
    assert tokens.decode(hypotheses) == marian.batch_decode(ids, skip_special_tokens=True)


def test_limits_and_vocabulary_size_as_transformers(marian, tokens):
    assert tokens.model_max_length == marian.model_max_length
    assert tokens.vocab_size == len(marian)
    assert tokens.target_prefix is None


def test_clean_up_setting_is_honoured(tiny_model_dir, tmp_path):
    from transformers import MarianTokenizer

    copy = shutil.copytree(tiny_model_dir, tmp_path / "clean-up")
    config = json.loads((copy / "tokenizer_config.json").read_text(encoding="utf-8"))
    (copy / "tokenizer_config.json").write_text(json.dumps(dict(config, clean_up_tokenization_spaces=True)), encoding="utf-8")
    marian = MarianTokenizer.from_pretrained(copy)
    hypotheses = [["▁It", "▁is", "▁", "n", "'", "t", "▁", ".", "▁", "?"], ["▁Seoul", "▁", "'", "s", "▁", ","]]
    ids = [marian.convert_tokens_to_ids(hypothesis) for hypothesis in hypotheses]
    expected = marian.batch_decode(ids, skip_special_tokens=True)
    assert expected != load_marian_tokens(str(tiny_model_dir)).decode(hypotheses)  # the setting matters here
    assert load_marian_tokens(str(copy)).decode(hypotheses) == expected


@pytest.mark.parametrize(
    "setting",
    [
        {"separate_vocabs": True},
        {"bos_token": "<s>"},
        {"additional_special_tokens": ["<eop>"]},
        {"sp_model_kwargs": {"enable_sampling": True}},
        {"do_lower_case": True},
        {"unk_token": {"content": "<unk>", "lstrip": True}},
        {"tokenizer_class": "NllbTokenizer"},
        {"added_tokens_decoder": {"5": {"content": "<sep>", "special": True}}},
    ],
)
def test_settings_it_cannot_reproduce_leave_it_to_transformers(tiny_model_dir, tmp_path, setting):
    copy = shutil.copytree(tiny_model_dir, tmp_path / "model")
    config = json.loads((copy / "tokenizer_config.json").read_text(encoding="utf-8"))
    (copy / "tokenizer_config.json").write_text(json.dumps(dict(config, **setting)), encoding="utf-8")
    assert load_marian_tokens(str(copy)) is None


def test_added_tokens_leave_it_to_transformers(tiny_model_dir, tmp_path):
    copy = shutil.copytree(tiny_model_dir, tmp_path / "model")
    (copy / "added_tokens.json").write_text(json.dumps({"<sep>": 2000}), encoding="utf-8")
    assert load_marian_tokens(str(copy)) is None


def test_saved_by_transformers_is_still_reproduced(marian, tmp_path):
    """Tokenizer files written by `save_pretrained` spell out the defaults; they must not force transformers."""
    marian.save_pretrained(tmp_path / "saved")
    assert load_marian_tokens(str(tmp_path / "saved")) is not None


def test_not_a_marian_model(tmp_path):
    assert load_marian_tokens(str(build_tiny_nllb(tmp_path / "nllb"))) is None
