"""`dari translate`: Korean articles in, English drafts (text) or sentence records (JSONL) out."""

from __future__ import annotations

import json
import os
import re
import sys

import click

from mt.backends.base import BACKENDS, GenerationOptions
from mt.cache import TranslationCache, default_cache_path
from mt.engine.options import engine_options
from mt.io.errors import DariError
from mt.io.files import STDIN, atomic_output, check_output, check_output_directory, make_output_directory
from mt.models import DEFAULT_MODEL
from mt.translate import DEFAULT_BATCH_SIZE, DEFAULT_BATCH_TOKENS

_DEFAULTS = GenerationOptions()
_UNSAFE = re.compile(r"[^\w.\-가-힣]+")


def _output_name(doc_id: str) -> str:
    base = os.path.basename(doc_id)
    base = base[:-4] if base.endswith(".txt") else base
    return _UNSAFE.sub("_", base) + ".en.txt"


def _output_paths(documents, out: str | None, fmt: str) -> tuple[str | None, list[str | None]]:
    """(directory to create or None, the output of each document), decided and checked before any
    translation, so a bad -o fails at once instead of after translating everything.

    jsonl is one stream; text is one file for one document, else one NAME.en.txt per document in the
    directory -o names (created when missing; a trailing slash asks for a directory even for one).
    """
    if fmt == "jsonl" or (len(documents) == 1 and not (out and (out.endswith(os.sep) or os.path.isdir(out)))):
        check_output(out or STDIN)
        return None, [out]
    if not out:
        raise DariError(
            f"{len(documents)} documents in text format need -o DIRECTORY (one .en.txt per document); "
            "or use --format jsonl for a single stream"
        )
    check_output_directory(out)
    names = [_output_name(doc.id) for doc in documents]
    clashes = sorted({name for name in names if names.count(name) > 1})
    if clashes:
        raise DariError(f"several documents would be written to {clashes[0]}; give them distinct names")
    paths = [os.path.join(out, name) for name in names]
    if os.path.isdir(out):
        for path in paths:
            check_output(path)
    return out, paths


def _write_documents(translated, directory: str | None, paths: list[str | None], fmt: str) -> None:
    if fmt == "jsonl":
        with atomic_output(paths[0]) as handle:
            for doc in translated:
                for record in doc.records:
                    handle.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        return
    if directory:
        make_output_directory(directory)
    for doc, path in zip(translated, paths):
        with atomic_output(path) as handle:
            handle.write(doc.text)


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("-o", "--output", "out", metavar="OUT", help="Output file, or a directory for several documents in text format. [default: stdout]")
@click.option("--model", default=DEFAULT_MODEL, help="Hugging Face model id, alias (opus-mt-tc-big, opus-mt, nllb-600m, m2m100-418m, ...) or local directory.")
@click.option("--revision", default=None, help="Hub branch, tag or commit to pin the model to. [default: latest]")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", help="text: the article rebuilt in English; jsonl: one record per source sentence.")
@click.option("--beams", type=click.IntRange(1, 64), default=_DEFAULTS.beams, help="Beam size.")
@click.option("--max-length", type=click.IntRange(8, 4096), default=_DEFAULTS.max_length, help="Maximum output tokens per sentence; longer sentences are split (flag `split`).")
@click.option("--batch-size", type=click.IntRange(1, 4096), default=DEFAULT_BATCH_SIZE, help="Most sentences per model call.")
@click.option("--batch-tokens", type=click.IntRange(16, 1 << 20), default=DEFAULT_BATCH_TOKENS, help="Most padded source tokens per model call (longest sentence × sentences).")
@click.option("--backend", type=click.Choice(BACKENDS), default="auto", help="ct2: CTranslate2 (the model is converted once into the cache: int8 on CPU, float16 on CUDA); hf: transformers; auto: ct2 when the ctranslate2 package is installed, else hf.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", help="auto: CUDA (float16) when available, else CPU.")
@click.option("--cache", "cache_path", default=default_cache_path(), metavar="PATH", help="SQLite translation cache.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the translation cache.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, warnings or summary on stderr.")
@engine_options
def translate(inputs, out, model, revision, fmt, beams, max_length, batch_size, batch_tokens, backend, device, cache_path, no_cache, quiet, engine):
    """Translate Korean news articles into English.

    INPUTS are text files, directories (their *.txt files), JSONL manifests ({"id": ..., "text": ...}
    per line) or - for stdin (the default). Paragraphs (lines) and the whitespace between sentences
    are kept. JSONL records: {"doc", "para", "sent", "src", "mt", "flags"}; flags: split, repetition,
    retried, truncated, copied, empty.
    """
    from mt.inputs import collect_documents
    from mt.text.script import hangul_share
    from mt.translate import Translator

    documents = collect_documents(inputs)
    directory, paths = _output_paths(documents, out, fmt)
    if not quiet:
        for doc in documents:
            share = hangul_share(doc.text)
            if share < 0.5:
                click.echo(f"warning: {doc.id}: mostly not Korean ({share:.0%} of letters are Hangul); translating anyway", err=True)
    cache = None if no_cache else TranslationCache(cache_path)
    options = GenerationOptions(beams=beams, max_length=max_length)
    if engine.name == "ray":
        from mt.engine.ray_translate import translate_on_ray

        report = None if quiet else lambda line: click.echo(line, err=True)
        try:
            translated, summary = translate_on_ray(documents, model=model, revision=revision, backend=backend, device=device,
                                                   options=options, batch_size=batch_size, batch_tokens=batch_tokens,
                                                   cache=cache, engine=engine, report=report)
        finally:
            if cache is not None:
                cache.close()
        _write_documents(translated, directory, paths, fmt)
        if report:
            report(summary.describe())
        return
    bars = []

    def progress_bar(total):
        from tqdm import tqdm

        bars.append(tqdm(total=total, unit="sent", file=sys.stderr, desc="translating"))
        return bars[-1].update

    show_progress = not quiet and sys.stderr.isatty()
    translator = Translator(
        model,
        revision=revision,
        backend=backend,
        device=device,
        options=options,
        cache=cache,
        batch_size=batch_size,
        batch_tokens=batch_tokens,
        progress=progress_bar if show_progress else None,
    )
    try:
        translated = translator.translate_documents(documents)
    finally:
        for bar in bars:
            bar.close()
        if cache is not None:
            cache.close()
    _write_documents(translated, directory, paths, fmt)
    if not quiet:
        s = translator.stats
        flags = " ".join(f"{k}={v}" for k, v in sorted(s.flags.items())) or "none"
        click.echo(
            f"dari: {len(documents)} document(s), {s.sentences} sentences ({s.unique} distinct): {s.translated} translated, "
            f"{s.cached} from cache, {s.copied} copied; flags: {flags}",
            err=True,
        )
