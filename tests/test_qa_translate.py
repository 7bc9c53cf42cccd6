"""`dari qa` without --mt: the Korean is translated with a real (tiny, random-weight) Marian model."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from flores_rows import flores_article
from mt.cli import main


@pytest.mark.slow
def test_qa_translates_when_no_mt_is_given(tiny_model_dir, tmp_path):
    paths = flores_article(tmp_path)
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["qa", "--src", str(paths["ko"]), "--ref", str(paths["en"]),
                                       "--model", str(tiny_model_dir), "--embed", "none", "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))["documents"][0]
    assert document["mt_source"] == f"model:{tiny_model_dir}"
    assert document["ko_sentences"] == 5
    covered = sorted(i for bead in document["beads"] for i in bead["src"])
    assert covered == [0, 1, 2, 3, 4]  # every Korean sentence is in the report, translated or flagged


def test_qa_with_an_mt_file_never_imports_torch(tmp_path):
    paths = flores_article(tmp_path)
    code = (
        "import sys; from click.testing import CliRunner; from mt.cli import main; "
        f"r = CliRunner().invoke(main, ['qa', '--src', {str(paths['ko'])!r}, '--ref', {str(paths['en'])!r}, "
        f"'--mt', {str(paths['mt'])!r}, '--embed', 'none', '-o', {str(tmp_path / 'r.json')!r}]); "
        "assert r.exit_code == 0, r.output; print('torch' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_mt_and_model_exclude_each_other(tmp_path):
    paths = flores_article(tmp_path)
    result = CliRunner().invoke(main, ["qa", "--src", str(paths["ko"]), "--ref", str(paths["en"]),
                                       "--mt", str(paths["mt"]), "--model", "x"])
    assert result.exit_code == 2 and "not both" in result.output
