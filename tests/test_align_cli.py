import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from flores_rows import flores_rows
from mt.cli import main

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def files(tmp_path):
    def copy(ext, drop=()):
        lines = [line for k, line in enumerate(flores_rows(ext)) if k not in drop]
        path = tmp_path / f"doc.{ext}"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return str(path)

    return {"ko": copy("ko"), "en": copy("en", drop={5}), "mt": copy("mt"), "dir": tmp_path}


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_beads_format_marks_the_omitted_sentence(files):
    result = run("align", files["ko"], files["en"], "--mt", files["mt"], "--embed", "none")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 11
    assert lines[5].startswith("[5]:[]:")
    assert lines[6].startswith("[6]:[5]:")


def test_tsv_and_jsonl_carry_the_text(files):
    tsv = run("align", files["ko"], files["en"], "--mt", files["mt"], "--embed", "none", "--format", "tsv", "--no-empty")
    rows = [line.split("\t") for line in tsv.output.splitlines() if "\t" in line]
    assert len(rows) == 10 and all(len(r) == 3 and r[0] and r[1] for r in rows)
    assert "left out 1 one-sided beads" in tsv.output  # CliRunner mixes stderr in
    out = files["dir"] / "out.jsonl"
    result = run("align", files["ko"], files["en"], "--mt", files["mt"], "--embed", "none", "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert set(records[0]) == {"src", "tgt", "score", "src_text", "tgt_text"}
    assert records[5]["tgt"] == [] and records[5]["tgt_text"] == ""


def test_batch_aligns_every_listed_pair(files):
    listing = files["dir"] / "list.tsv"
    listing.write_text(f"doc.ko\tdoc.en\tdoc.mt\ta.beads\n{files['ko']}\t{files['en']}\tb.beads\n", encoding="utf-8")
    result = run("align", "--batch", str(listing), "--embed", "none")
    assert result.exit_code == 0, result.output
    assert (files["dir"] / "a.beads").read_text().count("\n") == 11
    assert (files["dir"] / "b.beads").exists()


@pytest.mark.parametrize(
    "problem, args, message",
    [
        ("missing", ["nope.ko", "{en}"], "nope.ko: no such file"),
        ("mt length", ["{ko}", "{en}", "--mt", "{en}"], "expected one per source sentence"),
        ("no tgt", ["{ko}"], "give SRC and TGT"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(files, problem, args, message):
    result = run("align", *[a.format(**{k: v for k, v in files.items() if k != "dir"}) for a in args], "--embed", "none")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_bad_batch_row_writes_nothing(files):
    listing = files["dir"] / "list.tsv"
    listing.write_text("doc.ko\tdoc.en\tdoc.mt\ta.beads\nmissing.ko\tdoc.en\tb.beads\n", encoding="utf-8")
    result = run("align", "--batch", str(listing), "--embed", "none")
    assert result.exit_code == 2 and "missing.ko: no such file" in result.output
    assert not (files["dir"] / "a.beads").exists()


def test_align_eval_scores_files(files):
    gold = files["dir"] / "gold.beads"
    pred = files["dir"] / "pred.beads"
    gold.write_text("[0]:[0]\n[1, 2]:[1]\n[]:[2]\n", encoding="utf-8")
    pred.write_text("[0]:[0]:0.9\n[1]:[1]:0.8\n[2]:[]:0.5\n[]:[2]:0.7\n", encoding="utf-8")
    result = run("align-eval", "--gold", str(gold), "--pred", str(pred))
    scores = json.loads(result.output)
    assert scores["strict_precision"] == pytest.approx(2 / 4)
    assert scores["strict_recall"] == pytest.approx(1 / 2)
    assert "by_shape" not in scores
    shapes = json.loads(run("align-eval", "--gold", str(gold), "--pred", str(pred), "--by-shape").output)["by_shape"]
    assert list(shapes) == ["0-1", "1-0", "1-1", "2-1"]  # by size, then name
    assert shapes["2-1"] == {"gold": 1, "system": 0, "strict_recall": 0.0, "strict_precision": None}
    assert shapes["1-1"] == {"gold": 1, "system": 2, "strict_recall": 1.0, "strict_precision": 0.5}
    assert shapes["0-1"] == {"gold": 1, "system": 1, "strict_recall": 1.0, "strict_precision": 1.0}
    assert shapes["1-0"] == {"gold": 0, "system": 1, "strict_recall": None, "strict_precision": 0.0}
    bad = files["dir"] / "bad.beads"
    bad.write_text("[0]:[0]\n0-1\n", encoding="utf-8")
    result = run("align-eval", "--gold", str(gold), "--pred", str(bad))
    assert result.exit_code == 2 and "bad.beads: line 2" in result.output


def test_align_never_imports_torch(tmp_path):
    ko, en = tmp_path / "a.ko", tmp_path / "a.en"
    ko.write_text("그는 웃었다.\n비가 온다.\n", encoding="utf-8")
    en.write_text("He laughed.\nIt rains.\n", encoding="utf-8")
    code = (
        "import sys; from click.testing import CliRunner; from mt.cli import main; "
        f"r = CliRunner().invoke(main, ['align', {str(ko)!r}, {str(en)!r}, '--mt', {str(en)!r}, '--embed', 'e5']); "
        "assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_segment_splits_raw_articles(tmp_path):
    ko, en = tmp_path / "raw.ko", tmp_path / "raw.en"
    ko.write_text("NASA는 2019년에 1만5000명을 고용했다. 그 뒤 3명이 떠났다.\n\n김민준 기자 minjun@asiae.co.kr\n", encoding="utf-8")
    en.write_text("In 2019 NASA hired 15,000 people. Then 3 left.\n", encoding="utf-8")
    result = run("align", str(ko), str(en), "--segment", "--embed", "none", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert sum(len(r["src"]) for r in records) == 3 and sum(len(r["tgt"]) for r in records) == 2
    assert records[-1]["src_text"].startswith("김민준 기자") and records[-1]["tgt"] == []


def test_unavailable_embedding_model_gives_an_install_hint(files, monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as if not installed
    result = run("align", files["ko"], files["en"], "--embed", "sentence-transformers/LaBSE")
    assert result.exit_code == 2
    assert "pip install sentence-transformers" in result.output and "Traceback" not in result.output


def test_blank_lines_are_paragraph_breaks_and_ids_stay_line_numbers(tmp_path):
    def with_breaks(lines, after):
        out = []
        for k, line in enumerate(lines):
            out.append(line)
            if k in after:
                out.append("")
        path = tmp_path / f"{len(after)}-{len(out)}-{lines[0][:3]}.txt"
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
        return str(path), out

    ko, ko_lines = with_breaks(flores_rows("ko"), after={2, 6})
    en, en_lines = with_breaks(flores_rows("en"), after={2})
    mt, _ = with_breaks(flores_rows("mt"), after={2, 6})
    result = run("align", ko, en, "--mt", mt, "--embed", "none", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert all(r["src"] and r["tgt"] for r in records), "a blank line became a one-sided bead"
    used_src = sorted(i for r in records for i in r["src"])
    assert used_src == [i for i, line in enumerate(ko_lines) if line]
    assert all(r["src_text"] == " ".join(ko_lines[i] for i in r["src"]) for r in records)


def test_gap_merge_lets_the_second_pass_find_a_merge_the_first_pass_cannot(tmp_path):
    ko, en, mt = flores_rows("ko"), flores_rows("en"), flores_rows("mt")
    merged_ko = ko[:2] + [ko[2] + " " + ko[3]] + ko[4:]  # one Korean sentence rendered as English 2 and 3
    merged_mt = mt[:2] + [mt[2] + " " + mt[3]] + mt[4:]
    paths = {}
    for name, lines in (("ko", merged_ko), ("en", en), ("mt", merged_mt)):
        paths[name] = tmp_path / f"d.{name}"
        paths[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    base = ["align", str(paths["ko"]), str(paths["en"]), "--mt", str(paths["mt"]), "--embed", "none", "--max-merge", "1"]
    first_pass_only = run(*base, "--gap-merge", "0").output.splitlines()
    with_second_pass = run(*base, "--gap-merge", "2").output.splitlines()
    assert not any(line.startswith("[2]:[2, 3]:") for line in first_pass_only)
    assert any(line.startswith("[2]:[2, 3]:") for line in with_second_pass)
