import os

import pytest

from tiny_models import build_tiny_marian


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A saved random-weight Marian model; its 64-token input limit makes long-input splitting testable."""
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(autouse=True, scope="session")
def isolated_conversion_cache(tmp_path_factory):
    """`--backend auto` converts models for CTranslate2; tests must not fill the user's cache with them."""
    os.environ["DARI_CACHE_DIR"] = str(tmp_path_factory.mktemp("dari-cache"))
