"""Every example in README.md runs as written, so the README cannot drift from the program.

What is run
- Shell examples: ```sh, ```bash and ```console blocks and 4-space-indented blocks. In a console
  block a line starting with `$ ` is a command (a trailing `\\` continues it on the next line); the
  lines after it, up to the next `$ `, are its output as the README shows it, compared as a doctest
  compares with ELLIPSIS and NORMALIZE_WHITESPACE (`...` stands for anything; spaces, tabs and line
  breaks are alike), stdout and stderr together. A command shown without output is not compared.
  In the other blocks every line that is not a comment is a command (`\\` continues it). Each
  command must exit 0, and every output it names (after `>`, `-o`, `--output`, `--html`) must exist
  afterwards and not be empty.
- Python examples: ```python blocks, statement by statement, in a fresh interpreter. A bare
  expression whose line ends in a comment holding a Python literal (`# ['a', 'b']`, `# True`) must
  equal that literal.
- Commands quoted inline in prose and tables (the benchmark commands: they need the shared data
  folder and minutes each) are not run here; docs/benchmarks.md gives them with their results.

Where it runs
- Each block in a fresh directory holding copies of examples/, scripts/ and tests/fixtures/ (what a
  checkout has), its commands one after another, so later commands read what earlier ones wrote.
- Files an example names that a checkout lacks (`article.txt`, `articles/`, `pairs.tsv`, ...) are
  made by FIXTURES below from the bundled fixtures, for the blocks that read them; a name that a
  command writes before any command reads it (after `>`, `-o`, or as the target of `cp`) is left
  to the block. A README example naming a new file fails here until FIXTURES knows it.
- `dari` is this checkout (`python -m mt` with PYTHONPATH on it).

Models (tests cannot reach the Hugging Face hub)
- Every hub model the README's examples name (the default model, `--model ALIAS`, `model="ALIAS"`,
  `resolve_model("ALIAS")`) is put into a private Hugging Face cache (HF_HUB_CACHE, with
  HF_HUB_OFFLINE=1) as a tiny random-weight model from tests/tiny_models.py: the tiny NLLB for NLLB
  and M2M-100 ids, the tiny Marian for the others. So commands stay exactly as written, down to
  the default model; the tiny models translate into gibberish, which these tests do not judge.
- `--model ./my-model` is the tiny Marian copied to `my-model/`.
- The `dari serve` section (blocks that start the server) is run as written by
  tests/test_readme_serve.py, which works the pages of the running server; here only its
  `pip install` command is run, like the set-up commands.
- `--device cuda` runs as written where CTranslate2 or torch sees a CUDA GPU; elsewhere it must fail
  with one line naming CUDA and exit code 2, as the README says.

Set-up commands (those starting with `pip install`)
- `pip install -c constraints.txt -e ...` runs in a fresh virtual environment that sees the
  system's packages (so nothing is downloaded where they match constraints.txt), inside a copy of
  the files the package is built from; `dari` is then the console script that install made.
- The first set-up command, `... && dari translate examples/news-ko.txt`, is run as written with an
  empty model cache and HF_HUB_OFFLINE=1: it must end with dari's one-line message that the model
  cannot be downloaded, exit code 2 and no traceback, which is what a user without network sees.
  Its `dari translate` part is then run again with the tiny default model and must succeed.
- `python -m pytest` after `&&` is this very suite; it is not run from inside itself: the test
  checks that .ci/run runs the same command.
- `pip install torch==X --index-url https://download.pytorch.org/whl/cpu` (CPU-only machines)
  needs that index, which tests cannot reach: X must be the torch version constraints.txt pins.

Shared data
- `"../shared/data"` in a Python example is the data folder beside the repository ($DARI_DATA,
  else ../shared/data next to the checkout, where CI has it). When it is absent, only the
  statements naming it are skipped, with a warning that says so.
"""

from __future__ import annotations

import ast
import doctest
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tokenize
import venv
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tiny_models import build_tiny_nllb

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
FIXTURES = REPO / "tests" / "fixtures"
SHELL_LANGUAGES = {"sh", "bash", "console"}
CHECKOUT_COPIES = ("examples", "scripts", "tests/fixtures")  # what every block's directory starts with
PACKAGE_FILES = ("setup.cfg", "pyproject.toml", "README.md", "constraints.txt", "mt", "aligners", "eval", "corpora", "examples")
DATA_PATH = "../shared/data"
OUTPUT_OPTIONS = (">", "-o", "--output", "--html")
COMMAND_TIMEOUT = 300
OFFLINE_MESSAGE = re.compile(r"^Error: could not load model '([^']+)': it is not in the local Hugging Face cache .*HF_HUB_OFFLINE is set", re.M)
CHECK_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass
class Command:
    text: str
    line: int  # 1-based line in README.md
    output: str | None = None  # the output a console block shows, if any


@dataclass
class Block:
    language: str  # "shell" or "python"
    line: int
    source: str
    commands: list[Command] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"README.md:{self.line}"


def _commands(lines: list[str], first: int, console: bool) -> list[Command]:
    commands: list[Command] = []
    pending: Command | None = None  # a command continued by a trailing backslash
    output: list[str] = []

    def close_output():
        if commands and output and any(line.strip() for line in output):
            commands[-1].output = "\n".join(output).strip("\n") + "\n"
        output.clear()

    for offset, raw in enumerate(lines):
        line = raw.rstrip()
        if pending is not None:
            pending.text += "\n" + line
            if not line.endswith("\\"):
                commands.append(pending)
                pending = None
            continue
        if console and not line.startswith("$ "):
            output.append(raw)
            continue
        if not console and (not line.strip() or line.lstrip().startswith("#")):
            continue
        close_output()
        command = Command(line[2:] if console else line.strip(), first + offset)
        if line.endswith("\\"):
            pending = command
        else:
            commands.append(command)
    close_output()
    return commands


def readme_blocks(text: str) -> list[Block]:
    """Fenced shell and Python blocks and indented blocks, in README order."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        fence = re.match(r"^```(\S*)\s*$", lines[i])
        if fence:
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            body = lines[i + 1 : end]
            language = fence.group(1)
            if language in SHELL_LANGUAGES:
                blocks.append(Block("shell", i + 2, "\n".join(body), _commands(body, i + 2, language == "console")))
            elif language == "python":
                blocks.append(Block("python", i + 2, "\n".join(body) + "\n"))
            i = end + 1
            continue
        previous = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        starts_block = lines[i].startswith("    ") and lines[i].strip() and i > 0 and not lines[i - 1].strip()
        if starts_block and not re.match(r"^\s*([-*+]|\d+\.)\s", previous):
            end = i
            while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
                end += 1
            body = [line[4:] for line in lines[i:end]]
            blocks.append(Block("shell", i + 1, "\n".join(body), _commands(body, i + 1, False)))
            i = end
            continue
        i += 1
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


def _is_setup(command: Command) -> bool:
    return command.text.startswith("pip ")


def _starts_server(block: Block) -> bool:
    return any(re.match(r"dari serve\b", c.text) for c in block.commands)


# The `dari serve` section starts a server and works its pages; tests/test_readme_serve.py runs it as
# written. Here only its install command is run.
SERVER_BLOCKS = [b for b in BLOCKS if b.language == "shell" and _starts_server(b)]
SETUP_BLOCKS = [b for b in BLOCKS if b.language == "shell" and b not in SERVER_BLOCKS and any(_is_setup(c) for c in b.commands)]
SETUP_BLOCKS += [Block("shell", b.line, b.source, [c for c in b.commands if _is_setup(c)]) for b in SERVER_BLOCKS
                 if any(_is_setup(c) for c in b.commands)]
SHELL_BLOCKS = [b for b in BLOCKS if b.language == "shell" and b not in SETUP_BLOCKS + SERVER_BLOCKS]
PYTHON_BLOCKS = [b for b in BLOCKS if b.language == "python"]


# ---------------------------------------------------------------------------------------------
# Files the examples name


def _copy(name: str):
    def make(directory: Path, context: dict) -> None:
        shutil.copyfile(FIXTURES / name if "/" not in name else REPO / name, directory / context["name"])

    return make


def _flores(kind: str) -> list[str]:
    suffix = {"ko": "kor", "en": "eng", "mt": "opus-mt-ko-en.hyp"}[kind]
    return (FIXTURES / f"flores_devtest60.{suffix}").read_text(encoding="utf-8").splitlines()


def _write(directory: Path, name: str, lines: list[str]) -> None:
    (directory / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _korean_articles(directory: Path, context: dict) -> None:
    folder = directory / _bare(context["name"])
    folder.mkdir()
    shutil.copyfile(FIXTURES / "ko_news_article.txt", folder / "kursk.txt")
    shutil.copyfile(REPO / "examples" / "news-ko.txt", folder / "festival.txt")


def _jobs(directory: Path, context: dict) -> None:
    rows = [{"id": name, "text": (path).read_text(encoding="utf-8")}
            for name, path in (("kursk", FIXTURES / "ko_news_article.txt"), ("festival", REPO / "examples" / "news-ko.txt"))]
    _write(directory, context["name"], [json.dumps(row, ensure_ascii=False) for row in rows])


def _model_copy(directory: Path, context: dict) -> None:
    shutil.copytree(context["tiny_model"], directory / _bare(context["name"]))


def _flores_lines(kind: str, start: int = 0, stop: int = 60):
    def make(directory: Path, context: dict) -> None:
        _write(directory, context["name"], _flores(kind)[start:stop])

    return make


def _pairs_list(directory: Path, context: dict) -> None:
    """Two documents for `align --batch`, one with MT and one without, paths relative to the list."""
    for name, kind, start, stop in (("a.ko", "ko", 0, 10), ("a.en", "en", 0, 10), ("a.mt.en", "mt", 0, 10),
                                    ("b.ko", "ko", 10, 20), ("b.en", "en", 10, 20)):
        _write(directory, name, _flores(kind)[start:stop])
    _write(directory, context["name"], ["a.ko\ta.en\ta.mt.en\ta.beads", "b.ko\tb.en\tb.beads"])


def _gold(count: int):
    """FLORES is translated sentence by sentence, so its gold beads are one to one."""

    def make(directory: Path, context: dict) -> None:
        _write(directory, context["name"], [f"[{i}]:[{i}]" for i in range(count)])

    return make


def _predicted(count: int, merged: int | None):
    """One-to-one predictions, with sentences `merged` and `merged + 1` wrongly joined into a 2-2 bead."""

    def make(directory: Path, context: dict) -> None:
        lines, i = [], 0
        while i < count:
            if i == merged:
                lines.append(f"[{i}, {i + 1}]:[{i}, {i + 1}]:0.620")
                i += 2
            else:
                lines.append(f"[{i}]:[{i}]:0.950")
                i += 1
        _write(directory, context["name"], lines)

    return make


def _better_system(directory: Path, context: dict) -> None:
    """A second system for comparisons: the MT with every third line replaced by the reference."""
    mt, ref = _flores("mt"), _flores("en")
    _write(directory, context["name"], [ref[i] if i % 3 == 0 else line for i, line in enumerate(mt)])


def _qa_folders(lang: str):
    """Batch QA folders: the same file names under ko/ and en/."""

    def make(directory: Path, context: dict) -> None:
        folder = directory / _bare(context["name"])
        folder.mkdir()
        shutil.copyfile(REPO / "examples" / "qa" / f"{lang}.txt", folder / "amazon-ring.txt")
        shutil.copyfile(FIXTURES / "corpus_articles" / f"flores_dev_002.{lang}.txt", folder / "flores-002.txt")

    return make


FIXTURES_BY_NAME = {
    "article.txt": _copy("ko_news_article.txt"),  # a Korean wire story
    "articles/": _korean_articles,  # a folder of Korean articles
    "jobs.jsonl": _jobs,
    "./my-model": _model_copy,
    "article.ko.txt": _copy("examples/qa/ko.txt"),  # a Korean article with its published English
    "article.en.txt": _copy("examples/qa/en.txt"),
    "article.mt.txt": _copy("examples/qa/mt.txt"),
    "raw.ko.txt": _copy("examples/qa/ko.txt"),
    "raw.en.txt": _copy("examples/qa/en.txt"),
    "article.ko": _flores_lines("ko", 0, 10),  # three short FLORES documents, one sentence a line
    "article.en": _flores_lines("en", 0, 10),
    "article.mt.en": _flores_lines("mt", 0, 10),
    "pairs.tsv": _pairs_list,
    "a.gold": _gold(10),
    "b.gold": _gold(10),
    "a.beads": _predicted(10, merged=4),
    "b.beads": _predicted(10, merged=None),
    "ref.en": _flores_lines("en"),
    "system.en": _flores_lines("mt"),
    "a.en": _flores_lines("mt"),
    "base.en": _flores_lines("mt"),
    "b.en": _better_system,
    "new.en": _better_system,
    "ko/": _qa_folders("ko"),
    "en/": _qa_folders("en"),
}


def _words(command: str) -> list[str]:
    return shlex.split(command.replace("\\\n", " "), comments=True)


def _outputs(words: list[str]) -> list[str]:
    return [words[k + 1] for k, word in enumerate(words[:-1]) if word in OUTPUT_OPTIONS]


def _bare(word: str) -> str:
    return word.removeprefix("./").rstrip("/")


def _names_read(commands: list[Command]) -> list[str]:
    """FIXTURES names the commands read before any command writes them.

    Names match as written: a folder only with its slash (`ko/`, not the `ko` of `--lang ko`).
    """
    first_use: dict[str, str | None] = {}  # bare name -> the fixture to make, None if written first
    for command in commands:
        words = _words(command.text)
        written = {_bare(word) for word in _outputs(words)}
        if words and words[0] == "cp":
            written.add(_bare(words[-1]))
        for word in words:
            if _bare(word) in first_use:
                continue
            if _bare(word) in written:
                first_use[_bare(word)] = None
            elif word in FIXTURES_BY_NAME:
                first_use[_bare(word)] = word
    return [name for name in first_use.values() if name]


# ---------------------------------------------------------------------------------------------
# Models: a private Hugging Face cache holding a tiny model under every name the README uses


def readme_models(blocks: list[Block]) -> set[str]:
    from mt.models import ALIASES, DEFAULT_MODEL

    text = "\n".join(block.source for block in blocks)
    named = re.findall(r"--model[ =](\S+)|model=\"([^\"]+)\"|resolve_model\(\"([^\"]+)\"\)", text)
    names = {next(n for n in match if n) for match in named} | {DEFAULT_MODEL}
    return {ALIASES.get(name, name) for name in names if not name.startswith((".", "/", "~"))}


def _add_to_hub_cache(cache: Path, model_id: str, model_dir: Path) -> None:
    """The layout huggingface_hub reads offline: refs/main names a snapshot folder of files."""
    repo = cache / ("models--" + model_id.replace("/", "--"))
    revision = "0" * 40
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(revision)
    shutil.copytree(model_dir, repo / "snapshots" / revision)


@pytest.fixture(scope="module")
def hub_cache(tmp_path_factory, tiny_model_dir) -> Path:
    cache = tmp_path_factory.mktemp("hf-hub")
    tiny_nllb = None
    for model_id in sorted(readme_models(BLOCKS)):
        model_dir = tiny_model_dir
        if "nllb" in model_id or "m2m100" in model_id:
            tiny_nllb = tiny_nllb or build_tiny_nllb(tmp_path_factory.mktemp("tiny-nllb"))
            model_dir = tiny_nllb
        _add_to_hub_cache(cache, model_id, model_dir)
    return cache


@pytest.fixture(scope="module")
def bin_dir(tmp_path_factory) -> Path:
    """`dari` and `python` as a user's shell finds them, both this checkout under this interpreter."""
    folder = tmp_path_factory.mktemp("bin")
    for name, target in (("dari", f'exec "{sys.executable}" -m mt "$@"'), ("python", f'exec "{sys.executable}" "$@"')):
        script = folder / name
        script.write_text(f"#!/bin/sh\n{target}\n")
        script.chmod(0o755)
    return folder


def _environment(hub: Path, path_first: Path, pythonpath: bool = True) -> dict:
    env = dict(os.environ, HF_HUB_CACHE=str(hub), HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1", NO_COLOR="1")
    env["PATH"] = f"{path_first}{os.pathsep}{env.get('PATH', '')}"
    env.pop("HF_HOME", None)
    if pythonpath:
        env["PYTHONPATH"] = str(REPO)
    else:
        env.pop("PYTHONPATH", None)
    return env


def _block_directory(tmp_path: Path) -> Path:
    directory = tmp_path / "work"
    for relative in CHECKOUT_COPIES:
        shutil.copytree(REPO / relative, directory / relative, ignore=shutil.ignore_patterns("__pycache__"))
    return directory


def _run(command: str, directory: Path, env: dict, merge_output: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], cwd=directory, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge_output else subprocess.PIPE,
        text=True, timeout=COMMAND_TIMEOUT,
    )


def _describe(command: Command, result: subprocess.CompletedProcess) -> str:
    return (f"README.md line {command.line}: `{command.text}` exited {result.returncode}\n"
            f"--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{(result.stderr or '')[-3000:]}")


def _check_outputs_written(command: Command, directory: Path) -> None:
    for name in _outputs(_words(command.text)):
        if name == "-":
            continue
        path = directory / name
        assert path.exists(), f"README.md line {command.line}: `{command.text}` did not write {name}"
        empty = not any(path.iterdir()) if path.is_dir() else path.stat().st_size == 0
        assert not empty, f"README.md line {command.line}: `{command.text}` left {name} empty"


def _cuda_available() -> bool:
    import ctranslate2
    import torch

    return ctranslate2.get_cuda_device_count() > 0 or torch.cuda.is_available()


def _slow(block: Block) -> bool:
    """Blocks whose commands embed sentences with e5 (the default of align and corpus) take seconds each."""
    return any(re.search(r"dari (align|corpus build)\b", c.text) and "--embed none" not in c.text for c in block.commands)


@pytest.mark.parametrize("block", [pytest.param(b, id=b.id, marks=[pytest.mark.slow] if _slow(b) else []) for b in SHELL_BLOCKS])
def test_shell_example(block: Block, tmp_path, hub_cache, bin_dir, tiny_model_dir):
    directory = _block_directory(tmp_path)
    for name in _names_read(block.commands):
        FIXTURES_BY_NAME[name](directory, {"name": name, "tiny_model": tiny_model_dir})
    env = _environment(hub_cache, bin_dir)
    for command in block.commands:
        result = _run(command.text, directory, env, merge_output=command.output is not None)
        if "--device cuda" in command.text and not _cuda_available():
            assert result.returncode == 2 and re.fullmatch(r"Error: [^\n]*CUDA[^\n]*\n", result.stderr), _describe(command, result)
            continue
        assert result.returncode == 0, _describe(command, result)
        if command.output is not None:
            checker = doctest.OutputChecker()
            assert checker.check_output(command.output, result.stdout, CHECK_FLAGS), (
                f"README.md line {command.line}: `{command.text}` printed something else than the README shows:\n"
                + checker.output_difference(doctest.Example(command.text, command.output), result.stdout, CHECK_FLAGS)
            )
        _check_outputs_written(command, directory)


def test_translating_a_folder_writes_one_draft_per_article(tmp_path, hub_cache, bin_dir, tiny_model_dir):
    """What the README promises for `dari translate articles/ -o drafts/`: drafts/ is made, one .en.txt each."""
    commands = [c for b in SHELL_BLOCKS for c in b.commands if c.text.startswith("dari translate articles/ -o drafts/")]
    assert commands, "the README no longer shows `dari translate articles/ -o drafts/`"
    directory = _block_directory(tmp_path)
    _korean_articles(directory, {"name": "articles/"})
    result = _run(commands[0].text, directory, _environment(hub_cache, bin_dir))
    assert result.returncode == 0, _describe(commands[0], result)
    assert sorted(p.name for p in (directory / "drafts").iterdir()) == ["festival.en.txt", "kursk.en.txt"]


# ---------------------------------------------------------------------------------------------
# Set-up commands


def _package_copy(directory: Path) -> Path:
    directory.mkdir()
    for relative in PACKAGE_FILES:
        source = REPO / relative
        if source.is_dir():
            shutil.copytree(source, directory / relative, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copyfile(source, directory / relative)
    return directory


@pytest.fixture(scope="module")
def setup_environment(tmp_path_factory) -> tuple[Path, Path]:
    """A fresh virtual environment that sees the system's packages, and a copy of the package to install."""
    root = tmp_path_factory.mktemp("setup")
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(root / "env")
    # pip itself comes from the system site packages; the environment's own python runs it.
    return root / "env" / "bin", _package_copy(root / "checkout")


def _pinned(package: str) -> str:
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if re.match(rf"^{re.escape(package)}==", line, re.I):
            return line.split("==", 1)[1].strip()
    raise AssertionError(f"constraints.txt pins no {package}")


def _setup_script(bin_path: Path) -> Path:
    """`pip` of the virtual environment, as a user's shell finds it once the environment is active."""
    pip = bin_path / "pip"
    if not pip.exists():
        pip.write_text(f'#!/bin/sh\nexec "{bin_path / "python"}" -m pip "$@"\n')
        pip.chmod(0o755)
    return bin_path


@pytest.mark.slow
@pytest.mark.parametrize("block", [pytest.param(b, id=b.id) for b in SETUP_BLOCKS])
def test_setup_example(block: Block, setup_environment, hub_cache, tmp_path):
    bin_path, checkout = setup_environment
    _setup_script(bin_path)
    empty_hub = tmp_path / "empty-hub"
    empty_hub.mkdir()
    for command in block.commands:
        words = _words(command.text)
        if words[:2] == ["pip", "install"] and words[2].startswith("torch==") and "--index-url" in words:
            assert words[2] == f"torch=={_pinned('torch')}", f"README.md line {command.line}: {words[2]} is not the torch of constraints.txt"
            continue
        parts = [part.strip() for part in command.text.split("&&")]
        if parts[-1] == "python -m pytest":
            ci_parts = [p.strip() for line in (REPO / ".ci" / "run").read_text().splitlines() if "python -m pytest" in line
                        for p in line.replace(" -q", "").split("&&")]
            assert all(part in ci_parts for part in parts), f"README.md line {command.line}: .ci/run does not run `{command.text}`"
            command = Command(" && ".join(parts[:-1]), command.line)
        # As a user without network would: the whole command as written, no model to be had.
        result = _run(command.text, checkout, _environment(empty_hub, bin_path, pythonpath=False))
        if not parts[-1].startswith("dari "):
            assert result.returncode == 0, _describe(command, result)
            continue
        assert result.returncode == 2, _describe(command, result)
        assert OFFLINE_MESSAGE.search(result.stderr), _describe(command, result)
        assert "Traceback" not in result.stderr, _describe(command, result)
        # With the model in the cache, the same dari command writes its draft.
        retry = Command(parts[-1], command.line)
        result = _run(retry.text, checkout, _environment(hub_cache, bin_path, pythonpath=False))
        assert result.returncode == 0 and result.stdout.strip(), _describe(retry, result)
        assert (bin_path / "dari").exists(), "pip install -e . made no `dari` console script"


# ---------------------------------------------------------------------------------------------
# Python blocks


_NO_EXPECTATION = object()


def _expected(comment: str):
    try:
        return ast.literal_eval(comment.lstrip("#").strip())
    except (ValueError, SyntaxError):
        return _NO_EXPECTATION


def run_python_example(path: str, data_dir: str) -> None:
    """Run a README Python block statement by statement (in a fresh interpreter, see the test)."""
    source = Path(path).read_text(encoding="utf-8")
    comments = {token.start[0]: token.string for token in tokenize.generate_tokens(io.StringIO(source).readline)
                if token.type == tokenize.COMMENT}
    namespace: dict = {"__name__": "__readme__"}
    for node in ast.parse(source).body:
        statement = ast.get_source_segment(source, node)
        if DATA_PATH in statement:
            if not os.path.isdir(data_dir):
                print(f"SKIPPED line {node.lineno}, the shared data folder {data_dir} is absent: {statement}")
                continue
            node = ast.parse(statement.replace(DATA_PATH, data_dir)).body[0]
        expected = _expected(comments.get(node.end_lineno, ""))
        if isinstance(node, ast.Expr) and expected is not _NO_EXPECTATION:
            value = eval(compile(ast.Expression(node.value), path, "eval"), namespace)
            if value != expected:
                raise AssertionError(f"line {node.lineno}: {statement}\n  gives  {value!r}\n  README {expected!r}")
        else:
            exec(compile(ast.Module([node], type_ignores=[]), path, "exec"), namespace)


def _data_dir() -> str:
    return os.environ.get("DARI_DATA") or str(REPO.parent / "shared" / "data")


@pytest.mark.parametrize("block", [pytest.param(b, id=b.id, marks=[pytest.mark.slow] if "e5" in b.source else []) for b in PYTHON_BLOCKS])
def test_python_example(block: Block, tmp_path, hub_cache, bin_dir):
    directory = _block_directory(tmp_path)
    (directory / "example.py").write_text("\n" * (block.line - 1) + block.source, encoding="utf-8")  # README line numbers
    runner = (f"import sys; sys.path.insert(0, {str(REPO / 'tests')!r}); "
              "from test_readme_examples import run_python_example; run_python_example(sys.argv[1], sys.argv[2])")
    result = subprocess.run([sys.executable, "-c", runner, "example.py", _data_dir()], cwd=directory,
                            env=_environment(hub_cache, bin_dir), capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    assert result.returncode == 0, f"README.md Python block at line {block.line}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    for line in result.stdout.splitlines():
        if line.startswith("SKIPPED"):
            warnings.warn(f"README.md Python block at line {block.line}: {line}", stacklevel=1)


# ---------------------------------------------------------------------------------------------
# The reader of the README itself


def test_every_example_block_is_found():
    """Guards the parser: each shell command starts with a program a user has, and no block is empty."""
    assert SETUP_BLOCKS and SHELL_BLOCKS and PYTHON_BLOCKS
    programs = {"dari", "cat", "cp", "ls", "pip", "python"}
    serve_test = (REPO / "tests" / "test_readme_serve.py").read_text(encoding="utf-8")
    heading = re.search(r'readme\.index\("(## [^"]+)"\)', serve_test).group(1)
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading):]
    section_end = text.index(heading) + section.index("\n## ", 1)
    for block in SERVER_BLOCKS:  # run by tests/test_readme_serve.py, which reads that section's blocks
        assert text.index(heading) < len("\n".join(text.split("\n")[: block.line])) < section_end, block.id
    for block in SHELL_BLOCKS + SETUP_BLOCKS + SERVER_BLOCKS:
        assert block.commands, f"{block.id}: a shell block without commands"
        for command in block.commands:
            assert _words(command.text)[0] in programs, f"README.md line {command.line}: unexpected command `{command.text}`"


def test_console_blocks_split_commands_from_output():
    blocks = readme_blocks("text\n\n```console\n$ dari a \\\n    --b c\nout 1\n\nout 2\n$ dari d\n```\n\n    dari e  # note\n    # comment\n\n    dari f\n")
    assert [(c.text, c.line, c.output) for c in blocks[0].commands] == [
        ("dari a \\\n    --b c", 4, "out 1\n\nout 2\n"), ("dari d", 9, None)]
    assert [(c.text, c.line) for c in blocks[1].commands] == [("dari e  # note", 12), ("dari f", 15)]


def test_fixtures_are_made_only_for_what_a_block_reads():
    commands = [Command("cp -r tests/fixtures/corpus_articles articles", 1), Command("dari corpus build articles/ -o corpus/", 2),
                Command("dari segment article.ko.txt > ko.txt", 3), Command("dari translate ko.txt > mt.txt", 4)]
    assert _names_read(commands) == ["article.ko.txt"]
    assert _names_read([Command("dari segment --lang en article.en.txt", 1), Command("dari qa --src ko/ --ref en/", 2)]) == [
        "article.en.txt", "ko/", "en/"]
