"""Translation backends: the same model run by transformers (`hf`) or CTranslate2 (`ct2`)."""
