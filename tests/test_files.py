import os

import pytest

from mt.io.errors import DariError
from mt.io.files import atomic_output, read_lines, read_text


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
