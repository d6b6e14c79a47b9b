"""The shape of the package: a pure core, a thin CLI, and fast paths that stay fast."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ecrctl"
CORE = sorted(p for p in PACKAGE.rglob("*.py") if "cli" not in p.relative_to(PACKAGE).parts)
CLI = sorted((PACKAGE / "cli").rglob("*.py"))
HEAVY = ("boto3", "botocore", "docker", "keyring")


def imported_modules(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If):  # `if TYPE_CHECKING:` blocks import nothing at run time
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_never_imports_click_or_rich(path: Path) -> None:
    used = imported_modules(path, top_level_only=False)
    offending = {m for m in used if m.split(".")[0] in {"click", "rich"}}
    assert not offending, f"{path.name} imports {offending}"


@pytest.mark.parametrize("path", CLI, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_cli_modules_import_nothing_heavy_at_module_level(path: Path) -> None:
    used = imported_modules(path, top_level_only=True)
    offending = {m for m in used if m.split(".")[0] in {*HEAVY, "rich"}}
    assert not offending, f"{path.name} imports {offending} at module level"


def modules_loaded_by(*args: str) -> set[str]:
    code = (
        "import sys\n"
        "from ecrctl.cli.main import run\n"
        "from ecrctl.cli.app import App\n"
        f"run({list(args)!r}, App())\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(proc.stderr.split())


@pytest.mark.parametrize("args", [["--help"], ["repo", "--help"], ["policy", "--help"]])
def test_help_imports_no_aws_or_docker(args: list[str]) -> None:
    loaded = modules_loaded_by(*args)
    heavy = sorted(m for m in loaded if m.split(".")[0] in {"boto3", "botocore", "docker"})
    assert heavy == []
