"""The documentation runs: every `wstui ...` line in a ```sh block of docs/*.md, and the mkdocs build.

For each page, `examples/chat` is copied to a temporary directory once, and the page is played top
to bottom in that copy:

- a ```sh block: each line that starts with `wstui ` runs as `python -m wstui ...` and must exit 0,
  or 2 if the line ends with the comment `# exits 2`. Other lines (`pip install`, `cd`) are allowed
  in index.md only, and are skipped there.
- a fenced block of any language whose first line is `# file: NAME` is written to NAME in the copy
  (plugins.md uses this for its example plugin and its wstui.toml), so the commands after it see it.

```text blocks show output and are not run; neither are blocks of other languages without
`# file:`. The two complete wstui.toml examples of project-file.md are loaded and built too.

Commands that name `http://127.0.0.1:5055` (deploy.md: a `moto_server -p 5055` the reader starts)
are sent to a moto server on a free loopback port instead, with made-up credentials.

`wstui dev` runs until it is stopped, so it may not appear in a ```sh block: dev.md shows it in
```bash and ```text blocks. index.md's first set-up command ends with `wstui ... dev` too; it is a
`python3 -m venv ...` line, so it is skipped there like every other non-`wstui` line. index.md's
set-up commands and its table of what exists are the README's, and a test keeps them so.

The ```python blocks of python-api.md and console.md run too, each page in order and in one
namespace, in a copy of `examples/chat` that is the current directory. A ```python block followed
directly by a ```text block must print exactly that text; one that prints must be followed by one.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHAT = ROOT / "examples" / "chat"
PAGES = sorted(DOCS.glob("*.md"))
FENCE = re.compile(r"^```\s*([\w+-]*)\s*$")
FILE_MARKER = re.compile(r"^#\s*file:\s*(\S+)\s*$")
EXITS_2 = re.compile(r"#\s*exits 2\s*$")
NON_WSTUI_ALLOWED = {"index.md"}
LONG_RUNNING = {"dev"}
PYTHON_PAGES = ["python-api.md", "console.md"]
DOCS_MOTO_URL = "http://127.0.0.1:5055"


@dataclass(frozen=True)
class Block:
    info: str
    line: int  # 1-based line of the opening fence
    text: str


@dataclass(frozen=True)
class Step:
    """One thing to do in the copy: run a command, or write a file."""

    page: str
    line: int
    command: str | None = None
    path: str | None = None
    content: str | None = None

    @property
    def expected_exit(self) -> int:
        assert self.command is not None
        return 2 if EXITS_2.search(self.command) else 0

    def __str__(self) -> str:
        what = self.command if self.command is not None else f"write {self.path}"
        return f"{self.page}:{self.line}: {what}"


def fenced_blocks(text: str) -> list[Block]:
    """Top-level fenced blocks (``` at the start of a line), with their info strings."""
    blocks: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        start = index
        index += 1
        body: list[str] = []
        while index < len(lines) and lines[index].strip() != "```":
            body.append(lines[index])
            index += 1
        assert index < len(lines), f"unclosed fence at line {start + 1}"
        blocks.append(Block(opening.group(1), start + 1, "\n".join(body) + "\n"))
        index += 1
    return blocks


def page_steps(page: Path) -> list[Step]:
    steps: list[Step] = []
    for block in fenced_blocks(page.read_text(encoding="utf-8")):
        first_line = block.text.splitlines()[0] if block.text.strip() else ""
        marker = FILE_MARKER.match(first_line)
        if marker and block.info != "sh":
            steps.append(Step(page.name, block.line, path=marker.group(1), content=block.text))
            continue
        if block.info != "sh":
            continue
        for offset, raw in enumerate(block.text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            assert not line.endswith("\\"), f"{page.name}:{block.line + offset}: one command per line, please"
            if not line.startswith("wstui "):
                assert page.name in NON_WSTUI_ALLOWED, (
                    f"{page.name}:{block.line + offset}: only `wstui ...` lines may go in ```sh blocks here: {line}"
                )
                continue
            assert subcommand(line) not in LONG_RUNNING, (
                f"{page.name}:{block.line + offset}: `{line}` runs until stopped; show it in a ```bash block"
            )
            steps.append(Step(page.name, block.line + offset, command=line))
    return steps


def subcommand(line: str) -> str | None:
    """The command name of a `wstui ...` line: `dev` in `wstui --project DIR dev --port 0`."""
    args = shlex.split(line, comments=True)[1:]
    index = 0
    while index < len(args):
        if args[index] == "--project":
            index += 2
        elif args[index].startswith("-"):
            index += 1
        else:
            return args[index]
    return None


def pages_with_commands() -> list[Path]:
    return [page for page in PAGES if any(step.command for step in page_steps(page))]


def run_wstui(command: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    args = shlex.split(command, comments=True)
    assert args[0] == "wstui"
    # No terminal on stdin: `wstui new` must not wait for answers, whoever runs the tests.
    return subprocess.run(
        [sys.executable, "-m", "wstui", *args[1:]],
        check=False,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_docs_have_pages_and_commands() -> None:
    names = {page.name for page in PAGES}
    assert {
        "index.md",
        "getting-started.md",
        "project-file.md",
        "routes.md",
        "synth.md",
        "plugins.md",
        "python-api.md",
        "architecture.md",
        "dev.md",
    } <= names
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert [name for name in sorted(names) if f" {name}" not in nav] == [], "every page belongs in the nav"
    commands = [step for page in PAGES for step in page_steps(page) if step.command]
    assert len(commands) >= 20
    assert any(step.expected_exit == 2 for step in commands)


def test_fenced_blocks_are_found_with_their_info_strings() -> None:
    text = "intro\n```sh\nwstui routes list  # exits 2\n```\n\n```text\nout\n```\n"
    blocks = fenced_blocks(text)
    assert [(b.info, b.line, b.text) for b in blocks] == [
        ("sh", 2, "wstui routes list  # exits 2\n"),
        ("text", 6, "out\n"),
    ]


def test_long_running_commands_are_refused_in_sh_blocks(tmp_path: Path) -> None:
    assert subcommand("wstui --project /tmp/x dev --port 0") == "dev"
    assert subcommand("wstui routes list") == "routes"
    assert subcommand("wstui --help") is None
    page = tmp_path / "page.md"
    page.write_text("```sh\nwstui --project demo dev\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="runs until stopped"):
        page_steps(page)
    page.write_text("```bash\nwstui dev\n```\n", encoding="utf-8")
    assert page_steps(page) == []


def test_index_has_the_readme_set_up_commands_and_table() -> None:
    """The README renders on GitHub, which needs `\\|` for a pipe in a table's code span; mkdocs
    shows that backslash, so index.md writes a plain `|` there."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    readme_commands = [b.text for b in fenced_blocks(readme) if b.info == "sh"]
    index_commands = [b.text for b in fenced_blocks(index) if b.info == "sh"]
    assert len(readme_commands) == 2
    assert index_commands[:2] == readme_commands

    def table(text: str) -> list[str]:
        lines = text.splitlines()
        start = lines.index("| command | state |")
        end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
        return [line.replace("\\|", "|") for line in lines[start:end]]

    assert table(index) == table(readme)


def test_dev_page_documents_every_option_of_wstui_dev() -> None:
    from wstui.cli.dev import dev

    page = (DOCS / "dev.md").read_text(encoding="utf-8")
    options = [name for param in dev.params for name in param.opts if name.startswith("--")]
    assert "--port" in options
    assert [name for name in options if f"`{name}" not in page] == []


def test_deploy_page_documents_every_option_of_deploy_status_and_remove() -> None:
    from wstui.cli.deploy import deploy, remove, status

    page = (DOCS / "deploy.md").read_text(encoding="utf-8")
    options = {name for command in (deploy, status, remove) for param in command.params for name in param.opts if name.startswith("--")}
    assert {"--plan", "--follow", "--endpoint-url"} <= options
    assert sorted(name for name in options - {"--project"} if f"`{name}" not in page) == []


def test_exits_2_is_read_before_shlex_drops_the_comment() -> None:
    step = Step("x.md", 1, command="wstui routes remove nope  # exits 2")
    assert step.expected_exit == 2
    assert shlex.split(step.command or "", comments=True) == ["wstui", "routes", "remove", "nope"]
    assert Step("x.md", 1, command="wstui routes list").expected_exit == 0


@pytest.mark.parametrize("page", pages_with_commands(), ids=lambda page: page.name)
def test_page_commands_run(page: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    project = tmp_path / "chat"
    shutil.copytree(CHAT, project, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    env: dict[str, str] | None = None
    moto_url = ""
    if any(DOCS_MOTO_URL in (step.command or "") for step in page_steps(page)):
        moto_url = request.getfixturevalue("aws").endpoint_url  # tests/conftest.py: fresh moto, made-up credentials
        env = dict(os.environ)
    for step in page_steps(page):
        if step.command is None:
            assert step.path is not None and step.content is not None
            target = project / step.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step.content, encoding="utf-8")
            continue
        command = step.command.replace(DOCS_MOTO_URL, moto_url) if moto_url else step.command
        result = run_wstui(command, project, env)
        assert result.returncode == step.expected_exit, (
            f"{step}\nexit code {result.returncode}, expected {step.expected_exit}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        if step.expected_exit == 2:
            assert result.stderr.startswith(("Error:", "Usage:")), f"{step}\n{result.stderr}"
            assert "Traceback" not in result.stderr, f"{step}\n{result.stderr}"


def first_block_under(page: Path, heading: str, info: str) -> str:
    """The first ```info block after the line `heading` of `page`."""
    text = page.read_text(encoding="utf-8")
    start = text.splitlines().index(heading) + 1
    return next(b.text for b in fenced_blocks(text) if b.line > start and b.info == info)


@pytest.mark.parametrize(
    ("heading", "source"),
    [("## The chat example, annotated", CHAT), ("## A larger example", ROOT / "tests" / "fixtures" / "larger")],
    ids=["chat", "larger"],
)
def test_project_file_examples_are_valid(heading: str, source: Path, tmp_path: Path) -> None:
    from wstui.core.project.load import load_project
    from wstui.core.template import synthesize

    project = tmp_path / "project"
    shutil.copytree(source, project, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    original = synthesize(load_project(project)).render()
    (project / "wstui.toml").write_text(first_block_under(DOCS / "project-file.md", heading, "toml"), encoding="utf-8")
    documented = synthesize(load_project(project)).render()
    if source == CHAT:
        assert documented == original, "the annotated chat example must build the same template as examples/chat"


def test_mkdocs_build_is_strict_clean(tmp_path: Path) -> None:
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed (pip install -e '.[docs]')")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def python_examples(page: Path) -> list[tuple[Block, str | None]]:
    """The ```python blocks of `page`, each with the ```text block that directly follows it, if one does."""
    text = page.read_text(encoding="utf-8")
    lines = text.splitlines()
    blocks = fenced_blocks(text)
    examples: list[tuple[Block, str | None]] = []
    for block, following in zip(blocks, [*blocks[1:], None], strict=True):
        if block.info != "python":
            continue
        closing = block.line + len(block.text.splitlines())  # 0-based index of the closing fence
        directly = following is not None and all(not line.strip() for line in lines[closing + 1 : following.line - 1])
        expected = following.text if directly and following is not None and following.info == "text" else None
        examples.append((block, expected))
    return examples


@pytest.mark.parametrize("name", PYTHON_PAGES)
def test_python_examples_run_and_print_what_the_page_shows(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "chat"
    shutil.copytree(CHAT, project, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    monkeypatch.chdir(project)
    examples = python_examples(DOCS / name)
    assert examples, f"{name} has no ```python blocks"
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block, expected in examples:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block.text, f"{name}:{block.line}", "exec"), namespace)  # noqa: S102
        where = f"{name}:{block.line}"
        if expected is None:
            assert printed.getvalue() == "", f"{where} prints, so a ```text block of its output must follow it"
        else:
            assert printed.getvalue() == expected, f"{where} prints something else than the ```text block after it"


def test_python_examples_pair_blocks_with_the_output_right_after_them(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nprint(1)\n```\n\n```text\n1\n```\n\n```python\nx = 1\n```\n\nprose\n\n```text\nnot output\n```\n",
        encoding="utf-8",
    )
    assert [(block.line, expected) for block, expected in python_examples(page)] == [(1, "1\n"), (9, None)]
