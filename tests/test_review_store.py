"""`dari serve`'s review database and exports, without a browser."""

import json
import sqlite3
import sys
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from sacrebleu.metrics import TER

from eval.review.cli import default_db
from eval.review.report_file import read_report
from eval.review.store import ReviewStore
from mt.cli import main
from review_support import EN_LINES, FIRST, NUMBERS, OMISSION, QVC, ROOT, qa_report

FIXED = "Siminoff said sales boosted after his 2013 appearance in a Shark Tank episode where the show panel declined funding the startup."


def reviewed(tmp_path, report=None):
    report = report or qa_report(tmp_path)
    store = ReviewStore(default_db(str(report)))
    store.load_report(read_report(str(report)), str(report))
    return report, store


def serve_cli(*args):
    return CliRunner().invoke(main, ["serve", *map(str, args)])


def test_decisions_survive_a_rerun_of_qa_and_a_changed_text_is_stale(tmp_path):
    _, store = reviewed(tmp_path)
    store.decide_pair(0, FIRST, "accept")
    store.decide_pair(0, NUMBERS, "edit", FIXED)
    store.decide_pair(0, QVC, "use_mt")

    changed = list(EN_LINES)
    changed[1] = FIXED  # the published English now has the right year: the NUMBERS pair's text changed
    rerun = qa_report(tmp_path, changed)
    store.load_report(read_report(str(rerun)), str(rerun))

    _, rows = store.article(0)
    status = {row.bead.index: row.status for row in rows}
    assert status[FIRST] == "accept" and status[QVC] == "use_mt"  # same texts: carried over
    assert status[NUMBERS] == "stale" and rows[NUMBERS].stale_decision == "edit" and rows[NUMBERS].decision is None
    assert rows[NUMBERS].stale_english == FIXED  # the earlier fix is still there to reuse
    article = store.articles()[0]
    assert (article.reviewed, article.stale) == (2, 1)

    out = tmp_path / "reviewed.jsonl"
    result = serve_cli(rerun, "--export", out)
    assert result.exit_code == 0, result.output
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(p["ko_ids"], p["decision"]) for p in exported] == [([1], "accept"), ([4], "use_mt")]  # the stale fix is not exported
    decisions = json.loads((tmp_path / "reviewed.articles.json").read_text(encoding="utf-8"))
    assert decisions["pairs"]["skipped"]["undecided"] == 7 - 2  # the stale pair counts as undecided
    assert decisions["articles"][0]["stale"] == 1

    store.decide_pair(0, NUMBERS, "accept")  # deciding again clears the staleness
    assert store.article(0)[1][NUMBERS].status == "accept"


def test_history_is_append_only_and_keeps_every_decision(tmp_path):
    _, store = reviewed(tmp_path)
    store.decide_pair(0, FIRST, "accept")
    store.decide_pair(0, FIRST, "edit", "Ring's CEO said he started the company when he could not hear his doorbell.")
    store.decide_article(0, "needs_work", "check the year")
    history = store.history()
    assert [(h["kind"], h["decision"]) for h in history] == [("pair", "accept"), ("pair", "edit"), ("article", "needs_work")]
    assert history[2]["note"] == "check the year"
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        for statement in ("UPDATE history SET decision = 'accept'", "DELETE FROM history"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(statement)
        assert db.execute("SELECT count(*) FROM decisions").fetchone()[0] == 1  # one current decision per pair


def test_an_edit_is_stored_as_one_clean_line(tmp_path):
    _, store = reviewed(tmp_path)
    row = store.decide_pair(0, NUMBERS, "edit", "  Siminoff said\tsales\r\nrose \u202eafter 2013.\x07 ")
    assert row.english == "Siminoff said sales rose after 2013."
    with pytest.raises(ValueError, match="needs the corrected English"):
        store.decide_pair(0, NUMBERS, "edit", " \n\u202e ")
    with pytest.raises(ValueError, match="unknown decision"):
        store.decide_pair(0, NUMBERS, "approve_all")
    with pytest.raises(LookupError):
        store.decide_pair(0, 99, "accept")


@pytest.mark.parametrize("suffix", ["tmx", "tsv", "jsonl"])
def test_export_is_a_corpus_with_provenance_that_corpus_stats_reads(tmp_path, suffix):
    _, store = reviewed(tmp_path)
    store.decide_pair(0, FIRST, "accept")
    store.decide_pair(0, NUMBERS, "edit", FIXED)
    store.decide_pair(0, QVC, "use_mt")
    store.decide_pair(0, OMISSION, "misaligned")
    store.decide_article(0, "approved", "fixed the year")
    out = tmp_path / f"reviewed.{suffix}"
    result = serve_cli("--db", store.path, "--export", out)
    assert result.exit_code == 0, result.output
    assert f"{out}: 3 pairs (1 accept, 1 edit, 1 use_mt); left out: 3 undecided, 1 misaligned" in result.output

    stats = CliRunner().invoke(main, ["corpus", "stats", str(out), "--json"])
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.output)["pairs"] == 3

    _, rows = store.article(0)
    expected_ter = TER().sentence_score(rows[FIRST].bead.mt, [rows[FIRST].bead.en]).score
    if suffix == "tmx":
        units = ET.parse(out).getroot().iter("tu")
        props = [{p.get("type"): p.text for p in unit.iter("prop")} for unit in units]
        assert [(p["x-doc"], p["x-ko-ids"], p["x-en-ids"], p["x-decision"]) for p in props] == [
            (rows[FIRST].article, "1", "0", "accept"),
            (rows[NUMBERS].article, "3", "1", "edit"),
            (rows[QVC].article, "4", "2", "use_mt"),
        ]
        assert float(props[0]["x-ter"]) == pytest.approx(expected_ter, abs=0.01)
        assert float(props[2]["x-ter"]) == 0.0  # the MT kept as it is: no edits
        assert FIXED in out.read_text(encoding="utf-8")
    elif suffix == "tsv":
        columns = out.read_text(encoding="utf-8").splitlines()[1].split("\t")
        assert columns[1] == FIXED and columns[3:5] == ["3", "1"] and columns[6] == "edit"
    else:
        first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
        assert first["decision"] == "accept" and first["ter"] == pytest.approx(expected_ter, abs=0.01)
    decisions = json.loads((tmp_path / "reviewed.articles.json").read_text(encoding="utf-8"))
    assert decisions["articles"][0]["decision"] == "approved" and decisions["articles"][0]["note"] == "fixed the year"
    assert decisions["pairs_file"] == out.name


def test_export_problems_are_one_line_errors_and_write_nothing(tmp_path):
    report = qa_report(tmp_path)
    result = serve_cli(report, "--export", tmp_path / "reviewed.xlsx")
    assert result.exit_code == 2 and "reviewed.xlsx: unknown format; name the file .tsv, .jsonl, .tmx" in result.output
    assert not (tmp_path / "reviewed.xlsx").exists() and not (tmp_path / "reviewed.articles.json").exists()

    result = serve_cli("--db", tmp_path / "none.sqlite", "--export", tmp_path / "r.tmx")
    assert result.exit_code == 2 and "none.sqlite: no such review database" in result.output
    assert not (tmp_path / "none.sqlite").exists()

    result = serve_cli("--export", tmp_path / "r.tmx")
    assert result.exit_code == 2 and "give REPORT.json, or --db" in result.output


@pytest.mark.parametrize("content, problem", [
    ("{", "not valid JSON"),
    ('{"documents": [{"name": "a"}]}', "not a `dari qa` JSON report"),
])
def test_a_bad_report_is_a_one_line_error_before_any_database_is_made(tmp_path, content, problem):
    report = tmp_path / "report.json"
    report.write_text(content, encoding="utf-8")
    result = serve_cli(report, "--export", tmp_path / "r.tmx")
    assert result.exit_code == 2 and f"{report}: {problem}" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "report.review.sqlite").exists()


def test_a_database_that_is_not_one_is_a_one_line_error(tmp_path):
    report = qa_report(tmp_path)
    (tmp_path / "report.review.sqlite").write_text("not a database, just text\n" * 100, encoding="utf-8")
    result = serve_cli(report, "--export", tmp_path / "r.tmx")
    assert result.exit_code == 2 and "report.review.sqlite: not a dari review database" in result.output


def test_without_the_serve_extra_serving_is_a_one_line_error_with_the_install_command(tmp_path, monkeypatch):
    report = qa_report(tmp_path)
    monkeypatch.setitem(sys.modules, "starlette", None)  # import starlette now fails, as without the extra
    result = serve_cli(report, "--port", "0")
    assert result.exit_code == 2
    assert result.output.strip() == 'Error: dari serve needs the serve extra (starlette missing): pip install -e ".[serve]"'
    assert not (tmp_path / "report.review.sqlite").exists()
    assert serve_cli(report, "--export", tmp_path / "r.tmx").exit_code == 0  # exporting needs no web library


def test_every_page_asset_is_package_data():
    """Pages, stylesheet and script are served from the installed package: setup.cfg must ship them all."""
    import configparser
    from fnmatch import fnmatch

    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "setup.cfg")
    patterns = [p.strip() for p in config["options.package_data"]["eval.review"].split(",")]
    package = ROOT / "eval" / "review"
    assets = [p.relative_to(package).as_posix() for folder in ("templates", "static") for p in (package / folder).rglob("*") if p.is_file()]
    assert len(assets) >= 5
    assert [a for a in assets if not any(fnmatch(a, pattern) for pattern in patterns)] == []
