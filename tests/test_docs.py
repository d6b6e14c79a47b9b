"""The documentation: generated files are fresh, every command is documented, the README
stays short, links lead somewhere, and the guide is named in English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import gen_docs
import pytest

from ecrctl.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference.md"
README_MAX_LINES = 400
# Pages linked before they are written; the link check accepts them only while missing.
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^\s*(```|~~~)")
# Hiragana, katakana, CJK ideographs and full-width forms.
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def markdown_files() -> list[Path]:
    return [README, ROOT / "CONTRIBUTING.md", *sorted(DOCS.glob("*.md"))]


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of ``text`` outside fenced code blocks."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def links(path: Path) -> list[tuple[int, str]]:
    """(line number, target) of every Markdown link outside code blocks."""
    found = []
    for number, line in prose_lines(path.read_text(encoding="utf-8")):
        line = re.sub(r"`[^`]*`", "", line)  # code spans hold no links
        found += [(number, match.group(1)) for match in LINK.finditer(line)]
    return found


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of ``path``."""
    seen: dict[str, int] = {}
    result = set()
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        heading = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


@pytest.mark.parametrize("path", sorted(gen_docs.generated()), ids=lambda p: p.name)
def test_committed_file_is_current(path: Path) -> None:
    expected = gen_docs.generated()[path]
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: run python scripts/gen_docs.py"
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.relative_to(ROOT)} is stale: run python scripts/gen_docs.py"
    )


def test_the_reference_is_generated() -> None:
    assert REFERENCE in gen_docs.generated()


def test_check_reports_a_stale_reference(tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    stale = tmp_path / "docs" / "reference.md"
    stale.parent.mkdir()
    stale.write_text("# Command reference\n\nout of date\n", encoding="utf-8")
    monkeypatch.setattr(gen_docs, "ROOT", tmp_path)
    monkeypatch.setattr(gen_docs, "REFERENCE", stale)
    monkeypatch.setattr(gen_docs, "completion_files", dict)
    assert gen_docs.main(["--check"]) == 1
    assert capsys.readouterr().out == "stale: docs/reference.md\n"
    assert stale.read_text(encoding="utf-8") == "# Command reference\n\nout of date\n"
    assert gen_docs.main([]) == 0
    assert gen_docs.main(["--check"]) == 0


def test_reference_lists_every_command_with_its_help() -> None:
    reference = REFERENCE.read_text(encoding="utf-8")
    contexts = list(gen_docs.walk())
    assert len(contexts) > 30
    for ctx in contexts:
        assert f"## `{ctx.command_path}`" in reference, ctx.command_path
        assert f"(#{ctx.command_path.replace(' ', '-')})" in reference, ctx.command_path
        assert (ctx.command.get_short_help_str(limit=60)).rstrip(".")[:40] in reference


@pytest.mark.parametrize("ctx", list(gen_docs.walk()), ids=lambda c: c.command_path)
def test_every_command_has_help_and_an_example(ctx: Any) -> None:
    command = ctx.command
    assert (command.help or "").strip(), f"{ctx.command_path} has no help text"
    assert "Example" in (command.epilog or ""), f"{ctx.command_path} has no example"
    assert "ecrctl" in (command.epilog or "")


# -- the README and the pages ------------------------------------------


def test_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines (at most {README_MAX_LINES}): "
        "move details to the page of their workflow under docs/"
    )


def test_the_pages_exist_and_the_readme_links_each() -> None:
    pages = {path.name for path in DOCS.glob("*.md")}
    expected = {"reference.md", "benchmarks.md", "choices.md", "output.md", "configuration.md"}
    assert expected <= pages
    linked = {target.split("#")[0] for _, target in links(README)}
    unlinked = sorted(name for name in pages if f"docs/{name}" not in linked)
    assert unlinked == [], f"README.md does not link to {unlinked}"
    assert "CONTRIBUTING.md" in linked


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_at_existing_files(path: Path) -> None:
    problems = []
    for number, target in links(path):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("//"):
            continue  # https:, mailto: ...
        file_part, _, fragment = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.relative_to(ROOT)}:{number}: {target}"
        if not resolved.exists():
            problems.append(f"{where}: no such file")
        elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
            problems.append(f"{where}: no heading with that anchor")
    assert problems == []


def test_the_link_check_finds_broken_links(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\nSee [a](missing.md), [b](page.md#title), [c](https://example.com)\n"
        "and `[not a link](nowhere.md)`.\n\n```\n[also not](nowhere.md)\n```\n",
        encoding="utf-8",
    )
    assert links(page) == [(3, "missing.md"), (3, "page.md#title"), (3, "https://example.com")]
    assert anchors(page) == {"title"}


@pytest.mark.parametrize(
    "path",
    [README, *sorted(DOCS.glob("*.md"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_japanese_outside_code_blocks(path: Path) -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for number, line in prose_lines(path.read_text(encoding="utf-8"))
        if JAPANESE.search(line)
    ]
    assert found == [], "name the user guide's chapters by their English titles"


def test_the_japanese_check_sees_japanese() -> None:
    assert JAPANESE.search("the guide's rules (評価ルール)")
    assert JAPANESE.search("イメージのプッシュ")
    assert not JAPANESE.search("Retagging an image — “Lifecycle policies” ─────")
    assert prose_lines("a\n```\nb\n```\nc\n") == [(1, "a"), (5, "c")]


def test_the_readme_documents_every_exit_code() -> None:
    readme = README.read_text(encoding="utf-8")
    table = dict(re.findall(r"^\|\s*(\d+)\s*\|\s*(.+?)\s*\|$", readme, re.MULTILINE))
    assert sorted(map(int, table)) == sorted(code.value for code in ExitCode)
    output = (DOCS / "output.md").read_text(encoding="utf-8")
    assert sorted(map(int, re.findall(r"^\|\s*(\d+)\s*\|", output, re.MULTILINE))) == sorted(
        code.value for code in ExitCode
    )
