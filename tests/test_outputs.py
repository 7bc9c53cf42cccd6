"""Every command that writes, under faults: an unwritable or misnamed output, a full disk, a full
stdout, and the file mode the user's umask asks for.

Each fault must end in one `Error: ...` line naming the output, exit code 2, and neither a partial
output nor a temporary file left behind.
"""

import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from fault_support import assert_one_line_error, device, file_size_limit, leftovers, run_dari, without_dac_override
from mt.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
KO = "서울시는 3일 새 버스 노선 12개를 발표했다.\n시민 1,200명이 설명회에 참석했다.\n"
EN = "Seoul announced 12 new bus routes on the 3rd.\n1,200 citizens attended the briefing.\n"


@pytest.fixture
def inputs(tmp_path):
    data = tmp_path / "in"
    data.mkdir()
    (data / "ko.txt").write_text(KO, encoding="utf-8")
    (data / "en.txt").write_text(EN, encoding="utf-8")
    (data / "mt.txt").write_text(EN, encoding="utf-8")
    (data / "gold.beads").write_text("[0]:[0]\n[1]:[1]\n", encoding="utf-8")
    (data / "pred.beads").write_text("[0]:[0]:0.9\n[1]:[1]:0.8\n", encoding="utf-8")
    (data / "pairs.tsv").write_text(KO.split("\n")[0] + "\t" + EN.split("\n")[0] + "\n", encoding="utf-8")
    articles = data / "articles"
    articles.mkdir()
    for name in ("flores_dev_002.ko.txt", "flores_dev_002.en.txt"):
        shutil.copy(FIXTURES / "corpus_articles" / name, articles / name)
    return data


def _o(out):
    return [] if out is None else ["-o", out]


# name -> args(inputs, out, model); out None means stdout
COMMANDS = {
    "translate": lambda d, out, model: ["translate", d / "ko.txt", "--model", model, "--backend", "hf", "--no-cache",
                                        "-q", "--beams", "1", "--max-length", "12", "--format", "jsonl", *_o(out)],
    "segment": lambda d, out, model: ["segment", d / "ko.txt", *_o(out)],
    "align": lambda d, out, model: ["align", d / "ko.txt", d / "en.txt", "--embed", "none", "--format", "tsv", *_o(out)],
    "align-eval": lambda d, out, model: ["align-eval", "--gold", d / "gold.beads", "--pred", d / "pred.beads", *_o(out)],
    "score": lambda d, out, model: ["score", "-r", d / "en.txt", "-i", d / "mt.txt", *_o(out)],
    "qa": lambda d, out, model: ["qa", "--src", d / "ko.txt", "--ref", d / "en.txt", "--mt", d / "mt.txt", *_o(out)],
    "qa --html": lambda d, out, model: ["qa", "--src", d / "ko.txt", "--ref", d / "en.txt", "--mt", d / "mt.txt",
                                        "-o", d / "report.json", "--html", out],
    "corpus build": lambda d, out, model: ["corpus", "build", d / "articles", "--embed", "none", "-o", out],
    "corpus stats": lambda d, out, model: ["corpus", "stats", d / "pairs.tsv"],
}
FILE_OUTPUT = ["translate", "segment", "align", "align-eval", "score", "qa", "qa --html"]
STDOUT = ["translate", "segment", "align", "align-eval", "score", "qa", "corpus stats"]
WRITERS = [*FILE_OUTPUT, "corpus build"]


def _params(names):
    """translate loads torch in each subprocess: seconds, where the others take a fraction of one."""
    return [pytest.param(name, marks=pytest.mark.slow) if name == "translate" else name for name in names]


def args_for(name, request, data, out):
    model = request.getfixturevalue("tiny_model_dir") if name == "translate" else None
    return [str(arg) for arg in COMMANDS[name](data, None if out is None else str(out), model)]


@pytest.mark.parametrize("name", _params(WRITERS))
def test_a_read_only_directory_is_one_line_before_any_work(name, request, inputs, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    out = locked / ("corpus" if name == "corpus build" else "out.txt")
    locked.chmod(0o555)
    try:
        result = run_dari(args_for(name, request, inputs, out), preexec=without_dac_override)
    finally:
        locked.chmod(0o755)
    assert_one_line_error(result, str(out), "not writable")
    assert os.listdir(locked) == []
    assert not (inputs / "report.json").exists()  # qa --html: the other report waited for the check too


@pytest.mark.parametrize("name", _params(FILE_OUTPUT))
def test_an_existing_directory_as_output_is_one_line(name, request, inputs, tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    result = CliRunner().invoke(main, args_for(name, request, inputs, out))
    assert_one_line_error(result, f"{out}: is a directory")
    assert os.listdir(out) == []


def test_corpus_build_into_an_existing_file_is_one_line(request, inputs, tmp_path):
    out = tmp_path / "taken"
    out.write_text("keep me\n")
    result = CliRunner().invoke(main, args_for("corpus build", request, inputs, out))
    assert_one_line_error(result, f"{out}: exists and is not a directory")
    assert out.read_text() == "keep me\n"


@pytest.mark.parametrize("name", _params(FILE_OUTPUT))
def test_a_full_device_as_output_is_one_line_and_stays_a_device(name, request, inputs, tmp_path):
    full = device(tmp_path, "full", 7)
    result = CliRunner().invoke(main, args_for(name, request, inputs, full))
    assert_one_line_error(result, f"{full}: cannot write (No space left on device)")
    assert stat.S_ISCHR(os.stat(full).st_mode)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", _params(STDOUT))
def test_a_full_stdout_is_one_line(name, request, inputs):
    with open(device(inputs, "full", 7), "w") as full:
        result = run_dari(args_for(name, request, inputs, None), stdout=full)
    assert_one_line_error(result, "<stdout>: cannot write (No space left on device)")


@pytest.mark.parametrize("name", _params(WRITERS))
def test_a_full_disk_is_one_line_and_leaves_nothing(name, request, inputs, tmp_path):
    out = tmp_path / "result" / ("corpus" if name == "corpus build" else "out.txt")
    out.parent.mkdir()
    # 40 bytes: every output is longer, while a POSIX semaphore (32 bytes, which joblib makes on import) fits
    result = run_dari(args_for(name, request, inputs, out), preexec=file_size_limit(40))
    assert_one_line_error(result, "cannot write (File too large)")
    assert leftovers(tmp_path) == []
    if name != "corpus build":
        assert os.listdir(out.parent) == [] and str(out) in result.stderr


@pytest.mark.parametrize("mask", [0o002, 0o022])
@pytest.mark.parametrize("name", _params(WRITERS))
def test_outputs_get_the_mode_of_the_umask_also_when_replacing_a_private_file(name, mask, request, inputs, tmp_path):
    out = tmp_path / ("corpus" if name == "corpus build" else "out.txt")
    if name != "corpus build":
        out.write_text("old\n")
        out.chmod(0o600)
    previous = os.umask(mask)
    try:
        result = CliRunner().invoke(main, args_for(name, request, inputs, out))
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    files = [path for path in out.rglob("*") if path.is_file()] if out.is_dir() else [out]
    assert files and {oct(stat.S_IMODE(path.stat().st_mode)) for path in files} == {oct(0o666 & ~mask)}


def test_broken_pipe_ends_quietly(inputs):
    """`dari segment big.txt | head`: the reader leaving is not an error worth a message."""
    big = inputs / "big.txt"
    big.write_text(KO * 20000, encoding="utf-8")
    read, write = os.pipe()
    os.close(read)  # the reader has already gone
    with os.fdopen(write, "w") as pipe:
        result = run_dari(["segment", big], stdout=pipe)
    assert result.returncode == 1 and result.stderr == ""
