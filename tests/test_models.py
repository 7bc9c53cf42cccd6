import pytest

from mt.backends.base import GenerationOptions
from mt.backends.hf import HFBackend
from mt.io.errors import DariError
from mt.models import ALIASES, DEFAULT_MODEL, local_fingerprint, resolve_model
from tiny_models import build_tiny_nllb


def test_default_model_and_aliases():
    assert DEFAULT_MODEL == "Helsinki-NLP/opus-mt-tc-big-ko-en"
    assert ALIASES["opus-mt"] == "Helsinki-NLP/opus-mt-ko-en"
    assert ALIASES["nllb-600m"] == "facebook/nllb-200-distilled-600M"


def test_local_directory_revision_follows_content(tiny_model_dir, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(tiny_model_dir, copy)
    assert local_fingerprint(str(copy)) == local_fingerprint(str(tiny_model_dir))
    (copy / "config.json").write_text((copy / "config.json").read_text().replace("32", "33", 1))
    assert resolve_model(str(copy)).revision != resolve_model(str(tiny_model_dir)).revision


def test_directory_without_config_is_rejected(tmp_path):
    with pytest.raises(DariError, match="not a model directory"):
        resolve_model(str(tmp_path))


@pytest.mark.slow
def test_nllb_models_get_korean_source_and_english_target_codes(tmp_path):
    directory = build_tiny_nllb(tmp_path / "nllb")
    backend = HFBackend(resolve_model(str(directory)), "cpu")
    tokens = backend.tokenizer.convert_ids_to_tokens(backend.tokenizer("서울 날씨")["input_ids"])
    assert tokens[0] == "kor_Hang"
    assert backend.generate_arguments == {"forced_bos_token_id": backend.tokenizer.convert_tokens_to_ids("eng_Latn")}
    assert len(backend.translate_batch(["서울 날씨는 맑다.", "비가 온다."], GenerationOptions(beams=1, max_length=8))) == 2


def test_output_is_truncated_only_when_decoding_hits_the_limit(tiny_model_dir):
    import torch

    backend = HFBackend(resolve_model(str(tiny_model_dir)), "cpu")
    options = GenerationOptions(beams=1, max_length=8)
    assert all(out.truncated for out in backend.translate_batch(["서울 날씨는 맑다."], options))  # random weights never end
    with torch.no_grad():
        backend.model.final_logits_bias[0, 0] = 1e4  # token 0 is the end token: every output ends at once
    assert not any(out.truncated for out in backend.translate_batch(["서울 날씨는 맑다.", "비가 온다."], options))
