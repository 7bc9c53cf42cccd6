import os
import resource
import signal
import stat
import subprocess
import sys

import pytest

from fault_support import REPO, device, leftovers, run_dari
from mt.io.errors import DariError
from mt.io.files import atomic_output, iter_json_objects, read_lines, read_text, write_text


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty input"),
        (b"  \n\n", "empty input"),
        (b"\xff\xfe\x00h\x00i", "binary file"),
        ("서울".encode("cp949"), "not valid UTF-8"),
    ],
)
def test_bad_files_raise_one_line_errors_naming_the_file(tmp_path, content, message):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    with pytest.raises(DariError) as info:
        read_text(str(path))
    text = info.value.message
    assert message in text and str(path) in text and "\n" not in text


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DariError, match="no such file"):
        read_text(str(tmp_path / "missing.txt"))
    with pytest.raises(DariError, match="is a directory"):
        read_text(str(tmp_path))


def test_bom_and_crlf_are_normalized(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeff첫 줄\r\n둘째 줄\r\n".encode())
    assert read_text(str(path)) == "첫 줄\n둘째 줄\n"
    assert read_lines(str(path)) == ["첫 줄", "둘째 줄"]


def test_atomic_output_leaves_nothing_when_the_writer_fails(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_output(str(target)) as handle:
            handle.write("half")
            raise RuntimeError("killed")
    assert os.listdir(tmp_path) == []
    with atomic_output(str(target)) as handle:
        handle.write("done")
    assert target.read_text() == "done" and os.listdir(tmp_path) == ["out.txt"]


# --- outputs: modes, temporaries, targets that are not plain files ---------------------------------


@pytest.mark.parametrize("mask", [0o002, 0o022, 0o077])
def test_outputs_get_the_mode_open_gives_a_new_file_even_over_an_existing_one(tmp_path, mask):
    fresh, replaced = tmp_path / "fresh.txt", tmp_path / "replaced.txt"
    replaced.write_text("old")
    replaced.chmod(0o600 if mask != 0o077 else 0o644)
    previous = os.umask(mask)
    try:
        write_text(str(fresh), "new")
        write_text(str(replaced), "new")
    finally:
        os.umask(previous)
    assert {stat.S_IMODE(fresh.stat().st_mode), stat.S_IMODE(replaced.stat().st_mode)} == {0o666 & ~mask}
    assert replaced.read_text() == "new"


@pytest.mark.parametrize("make", [os.mkdir, lambda path: None], ids=["existing directory", "missing directory"])
def test_an_unusable_output_path_is_a_one_line_error(tmp_path, make):
    target = tmp_path / "out"
    make(target)
    with pytest.raises(DariError) as info:
        write_text(str(target / "x.txt") if not target.exists() else str(target), "text")
    assert str(target) in info.value.message and "\n" not in info.value.message
    assert leftovers(tmp_path) == []


def test_a_device_output_is_written_in_place_not_replaced(tmp_path):
    null = device(tmp_path, "null", 3)
    write_text(null, "discarded\n")
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert leftovers(tmp_path) == []


def test_an_output_through_a_symlink_writes_the_file_it_points_to(tmp_path):
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_text("old")
    link.symlink_to(real.name)
    write_text(str(link), "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_an_output_linked_to_this_process_stdout_writes_to_the_pipe(tmp_path):
    """`-o /dev/stdout` is such a link, to a pipe that has no path: written in place, never replaced."""
    (tmp_path / "ko.txt").write_text("첫 문장이다. 둘째 문장이다.\n", encoding="utf-8")
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    done = run_dari(["segment", tmp_path / "ko.txt", "-o", link])
    assert done.returncode == 0 and done.stdout == "첫 문장이다.\n둘째 문장이다.\n" and link.is_symlink()


def test_text_that_cannot_be_encoded_is_one_line_and_leaves_nothing(tmp_path):
    target = tmp_path / "out.jsonl"
    with pytest.raises(DariError, match=r"cannot write U\+DC80 as utf-8"):
        write_text(str(target), "a file name that was not UTF-8: \udc80")
    assert os.listdir(tmp_path) == []


KILLED_WRITER = """
import sys, time
from mt.io.files import atomic_output
with atomic_output(sys.argv[1]) as handle:
    handle.write("half of it")
    handle.flush()
    print("writing", flush=True)
    time.sleep(120)
"""


def _writer(path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline() == "writing\n"
    return proc


def _temporaries(directory):
    return sorted(name for name in os.listdir(directory) if name.endswith(".tmp"))


def test_a_killed_writers_temporary_goes_with_the_next_run_of_that_output_only(tmp_path):
    out, other = tmp_path / "out.jsonl", tmp_path / "other.jsonl"
    for path in (out, other):
        proc = _writer(path)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    stale = _temporaries(tmp_path)
    assert len(stale) == 2 and all(name.startswith((".out.jsonl.", ".other.jsonl.")) for name in stale)
    write_text(str(out), "complete\n")
    assert out.read_text() == "complete\n"
    assert [name for name in _temporaries(tmp_path)] == [name for name in stale if name.startswith(".other.jsonl.")]


def test_a_live_writers_temporary_is_never_removed(tmp_path):
    out = tmp_path / "out.jsonl"
    proc = _writer(out)
    try:
        live = _temporaries(tmp_path)
        write_text(str(out), "mine\n")
        assert _temporaries(tmp_path) == live and len(live) == 1
    finally:
        proc.kill()
        proc.wait()
    write_text(str(out), "again\n")
    assert _temporaries(tmp_path) == []


def test_writes_that_fail_midway_leave_neither_output_nor_temporary(tmp_path):
    full = device(tmp_path, "full", 7)
    with pytest.raises(DariError, match="No space left on device"):
        write_text(full, "x" * 100_000)
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError), atomic_output(str(target)) as handle:
        handle.write("half")
        raise RuntimeError("the caller failed")
    assert not target.exists() and leftovers(tmp_path) == []


# --- inputs: checked as they are read ----------------------------------------------------------------


MEMORY_PROBE = """
import sys
from mt.io.errors import DariError
from mt.io.files import {reader}
try:
    {call}
except DariError as err:
    print(err.message)
"""
MEMORY_LIMIT = 1 << 30


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize("reader, call", [
    ("read_text", "read_text('/dev/zero')"),
    ("read_text", "read_text('-')"),
    ("iter_lines", "list(iter_lines(sys.argv[1]))"),
])
def test_binary_input_fails_at_its_first_chunk_with_bounded_memory(tmp_path, reader, call):
    """/dev/zero never ends, and a 4 GiB file without a line break is one line: reading either whole
    before checking it would exhaust memory (here: fail under a 1 GiB address-space limit)."""
    blob = tmp_path / "blob.bin"
    with open(blob, "wb") as handle:
        handle.truncate(4 * MEMORY_LIMIT)  # sparse: NUL bytes that take no disk
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run([sys.executable, "-c", MEMORY_PROBE.format(reader=reader, call=call), str(blob)],
                              stdin=zero, capture_output=True, text=True, timeout=60, preexec_fn=_limit_memory,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    assert "binary" in done.stdout and "contains NUL bytes" in done.stdout, done.stderr[-500:]


def test_invalid_utf8_across_a_chunk_boundary_names_its_offset(tmp_path):
    path = tmp_path / "a.txt"
    data = "가".encode() * 30000  # 90,000 bytes: the chunk boundary splits a character
    path.write_bytes(data + b"\xff" + b"tail")
    with pytest.raises(DariError, match=r"byte 0xff at offset 90000"):
        read_text(str(path))
    path.write_bytes(b"\xef\xbb\xbf" + data)
    assert read_text(str(path)) == "가" * 30000


@pytest.mark.parametrize("line", [r'{"id": "a\ud800", "text": "x"}', r'{"id": "a", "text": ["\udc00"]}', r'{"\udfff": 1}'])
def test_a_lone_surrogate_in_jsonl_is_one_line_naming_file_and_line(tmp_path, line):
    path = tmp_path / "m.jsonl"
    path.write_text('{"id": "ok", "text": "\\ud83d\\ude00 fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DariError) as info:
        list(iter_json_objects(str(path)))
    assert info.value.message.startswith(f"{path}: line 2: lone surrogate \\u")
