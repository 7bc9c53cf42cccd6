import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from eval.scoring import corpus_scores, paired_test, segment_scores
from flores_rows import FILES, FIXTURES
from mt.cli import main

REF = str(FIXTURES / FILES["en"])
HYP = str(FIXTURES / FILES["mt"])


def lines(path):
    return Path(path).read_text(encoding="utf-8").splitlines()


def run(*args):
    return CliRunner().invoke(main, list(args))


def sacrebleu_cli(*args):
    """What sacrebleu's own command line prints, the ground truth for signatures and scores."""
    done = subprocess.run([sys.executable, "-m", "sacrebleu", *args], capture_output=True, text=True, check=True)
    return [line.strip() for line in done.stdout.splitlines()]


def test_real_opus_mt_fixture_scores_match_published_numbers():
    scores = {s.name: s for s in corpus_scores(lines(HYP), lines(REF), ["bleu", "chrf", "ter"])}
    assert round(scores["BLEU"].score, 2) == 17.16
    assert round(scores["chrF2"].score, 2) == 49.01
    assert round(scores["TER"].score, 2) == 74.60
    assert scores["BLEU"].signature == "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:" + __import__("sacrebleu").__version__


def test_text_output_is_exactly_sacrebleus_lines():
    ours = run("score", "-r", REF, "-i", HYP, "-m", "bleu", "chrf", "chrf++", "ter", "-w", "2")
    assert ours.exit_code == 0, ours.output
    theirs = sacrebleu_cli(REF, "-i", HYP, "-m", "bleu", "chrf", "ter", "-w", "2", "-f", "text")
    theirs_pp = sacrebleu_cli(REF, "-i", HYP, "-m", "chrf", "--chrf-word-order", "2", "-w", "2", "-f", "text")
    assert sorted(ours.output.splitlines()) == sorted(theirs + theirs_pp)


def test_confidence_signature_and_interval_match_sacrebleu():
    ours = run("score", "-r", REF, "-i", HYP, "-m", "bleu", "--confidence", "--confidence-n", "200")
    theirs = sacrebleu_cli(REF, "-i", HYP, "-m", "bleu", "--confidence", "--confidence-n", "200", "-f", "text")
    assert ours.output.splitlines() == theirs
    assert "bs:200" in theirs[0] and "μ =" in theirs[0]


def test_paired_bootstrap_matches_sacrebleu(tmp_path):
    better = tmp_path / "better.txt"
    better.write_text("\n".join(lines(REF)[:20] + lines(HYP)[20:]) + "\n", encoding="utf-8")
    ours = run("score", "-r", REF, "-i", HYP, str(better), "-m", "bleu", "--paired", "bs", "--paired-n", "100", "-f", "json")
    assert ours.exit_code == 0, ours.output
    systems = json.loads(ours.output)["systems"]
    baseline, system = systems[0]["corpus"][0], systems[1]["corpus"][0]
    assert baseline["p_value"] is None and system["p_value"] < 0.05
    assert system["score"] > baseline["score"]
    theirs = sacrebleu_cli(REF, "-i", HYP, str(better), "-m", "bleu", "--paired-bs", "--paired-bs-n", "100", "-f", "text")
    table = "\n".join(theirs)
    assert f"p = {system['p_value']:.4f}" in table
    assert f"({system['ci_mean']:.1f} ± {system['ci_halfwidth']:.1f})" in table
    assert system["signature"].startswith("nrefs:1|bs:100|seed:12345|")


def test_paired_approximate_randomization_matches_sacrebleu(tmp_path):
    hyps, refs = lines(HYP), lines(REF)
    other = tmp_path / "other.txt"
    other.write_text("\n".join(refs[:10] + hyps[10:]) + "\n", encoding="utf-8")
    result = paired_test([(HYP, hyps), (str(other), lines(other))], refs, ["chrf"], test="ar", n_samples=200)
    theirs = "\n".join(sacrebleu_cli(REF, "-i", HYP, str(other), "-m", "chrf", "--paired-ar", "--paired-ar-n", "200", "-f", "text"))
    assert f"(p = {result[1].corpus[0].p_value:.4f})" in theirs
    assert result[1].corpus[0].signature.startswith("nrefs:1|ar:200|seed:12345|")


def test_segments_give_every_metric_per_line_like_sacrebleu_sentence_mode():
    refs, hyps = lines(REF)[:5], lines(HYP)[:5]
    rows = segment_scores(hyps, refs, ["bleu", "chrf"])
    assert len(rows) == 5 and set(rows[0]) == {"bleu", "chrf"}
    theirs = sacrebleu_cli(REF, "-i", HYP, "-m", "bleu", "-sl", "-b", "-w", "4")[:5]
    assert [f"{row['bleu']:.4f}" for row in rows] == theirs


def test_tsv_segments_have_one_row_per_line_and_metric_columns():
    result = run("score", "-r", REF, "-i", HYP, "-m", "chrf", "ter", "--segments", "-f", "tsv")
    rows = [row.split("\t") for row in result.output.splitlines()]
    assert rows[0] == ["system", "segment", "chrf", "ter"]
    assert len(rows) == 61 and rows[1][:2] == [HYP, "1"]


def test_length_mismatch_is_a_one_line_error_naming_the_file(tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("one line\n", encoding="utf-8")
    out = tmp_path / "out.json"
    result = run("score", "-r", REF, "-i", str(short), "-o", str(out))
    assert result.exit_code == 2
    assert f"{short}: has 1 lines but the reference" in result.output
    assert not out.exists()


def test_paired_needs_two_systems():
    result = run("score", "-r", REF, "-i", HYP, "--paired", "bs")
    assert result.exit_code == 2 and "at least two" in result.output


def test_score_does_not_import_torch():
    code = "import sys; from click.testing import CliRunner; from mt.cli import main; " \
           f"r = CliRunner().invoke(main, ['score', '-r', {REF!r}, '-i', {HYP!r}]); " \
           "assert r.exit_code == 0, r.output; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("fmt", ["json", "text", "tsv"])
def test_every_format_names_the_metrics(fmt):
    result = run("score", "-r", REF, "-i", HYP, "-f", fmt)
    assert result.exit_code == 0
    assert "chrF2" in result.output or "chrf" in result.output


def test_corpus_scores_over_many_chunks_equal_sacrebleus_own(monkeypatch):
    """Statistics summed a few segments at a time give sacrebleu's corpus score and signature."""
    import eval.scoring as scoring
    from sacrebleu.metrics import BLEU, CHRF, TER

    monkeypatch.setattr(scoring, "SCORE_CHUNK", 7)
    hyps, refs = lines(HYP), lines(REF)
    ours = {s.name: s for s in corpus_scores(hyps, refs, ["bleu", "chrf", "chrf++", "ter"])}
    for metric in (BLEU(), CHRF(), CHRF(word_order=2), TER()):
        theirs = metric.corpus_score(hyps, [refs])
        assert ours[theirs.name].score == theirs.score
        assert ours[theirs.name].signature == metric.get_signature().format()
