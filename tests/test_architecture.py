"""The shape of the package: a pure core, a thin CLI, and fast paths that stay fast."""

from __future__ import annotations

import ast
import re
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


# -- the layout: sizes, cycles, dependencies ------------------------------------------------

MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60
ALL = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def ecrctl_imports(path: Path) -> set[str]:
    """Every ecrctl module ``path`` imports, anywhere in it, ``TYPE_CHECKING`` blocks included."""
    known = {module_name(p) for p in ALL}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in known:
                found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return (found & known) - {module_name(path)}


def import_cycles() -> list[list[str]]:
    graph = {module_name(p): ecrctl_imports(p) for p in ALL}
    # a package's __init__ is imported with any of its modules: that is no cycle
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if node.startswith(target + "."):
                continue
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target, [*stack, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return cycles


def test_no_import_cycles() -> None:
    assert import_cycles() == []


def test_the_cycle_check_finds_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "ecrctl"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "a.py").write_text("from ecrctl import b\n")
    (fake / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import ecrctl.a\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    monkeypatch.setattr(sys.modules[__name__], "ALL", sorted(fake.rglob("*.py")))
    assert import_cycles() == [["ecrctl.a", "ecrctl.b", "ecrctl.a"]]


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_stay_small(path: Path) -> None:
    text = path.read_text()
    lines = len(text.splitlines())
    assert lines <= MAX_MODULE_LINES, f"{lines} lines: split the module"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_says_what_it_owns(path: Path) -> None:
    if path.name == "__main__.py":
        return
    assert ast.get_docstring(ast.parse(path.read_text())), "add a module docstring"


def calls_named(names: set[str]) -> set[tuple[str, str]]:
    """(module, name) for every call of a function or method named in ``names``."""
    found = set()
    for path in ALL:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if name in names:
                    found.add((str(path.relative_to(PACKAGE)), str(name)))
    return found


def test_aws_clients_are_made_by_one_factory() -> None:
    """Only ``Aws.client`` (aws/clients.py) makes botocore sessions and clients, through
    aws/session.py: a second factory would choose endpoints by a rule of its own."""
    assert calls_named({"make_session", "make_client", "create_client"}) == {
        ("aws/clients.py", "make_session"),
        ("aws/clients.py", "make_client"),
        ("aws/session.py", "create_client"),
    }


# what an import name is installed as
DISTRIBUTIONS = {
    "botocore": "botocore",
    "certifi": "certifi",
    "click": "click",
    "docker": "docker",
    "jmespath": "jmespath",
    "jeepney": "jeepney",
    "keyring": "keyring",
    "requests": "requests",
    "rich": "rich",
    "urllib3": "urllib3",
}
TYPE_ONLY = {"mypy_boto3_ecr", "mypy_boto3_sts"}  # stubs, imported under TYPE_CHECKING


def runtime_third_party_imports() -> set[str]:
    stdlib = set(sys.stdlib_module_names)
    found: set[str] = set()
    for path in ALL:
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            found.update(n.split(".")[0] for n in names)
    return found - stdlib - {"ecrctl", "__future__"} - TYPE_ONLY


def test_dependencies_are_exactly_what_ecrctl_imports() -> None:
    import tomllib

    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["project"]
    declared = {
        re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0].lower() for spec in project["dependencies"]
    }
    imported = runtime_third_party_imports()
    assert imported <= set(DISTRIBUTIONS), f"map {imported - set(DISTRIBUTIONS)} to a distribution"
    assert declared == {DISTRIBUTIONS[name] for name in imported}


def type_checking_nodes(tree: ast.AST) -> set[int]:
    """The ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    return {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for n in ast.walk(block)
    }


def test_type_only_imports_stay_under_type_checking() -> None:
    offending = []
    for path in ALL:
        tree = ast.parse(path.read_text())
        guarded = type_checking_nodes(tree)
        for node in ast.walk(tree):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if (module or "").split(".")[0] in TYPE_ONLY and id(node) not in guarded:
                offending.append(f"{path.name}: {module}")
    assert offending == []


# -- the package order ----------------------------------------------------------------------

# docs/architecture.md, "The package order": a package may import only from its own layer's
# leaves and from layers below it; two packages of one layer never import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("ecrctl", "errors", "paths", "redact", "atomicfile", "jsonstrict", "jsonrecord"),  # leaves
    ("aws", "docker_engine"),  # access: the AWS API, the Docker Engine API
    ("translate",),  # any exception -> an ecrctl error
    ("batch",),  # the one account of work done item by item
    ("distribution",),  # the registry HTTP API on the wire
    ("login",),  # credentials: who serves a registry host, tokens, caches
    ("repo",),  # domains, lowest first
    ("image",),
    ("public",),
    ("registry",),
    ("usage",),
    ("lifecycle",),
    ("policy",),
    ("events",),
    ("network",),
    ("completion",),
    ("doctor",),
    ("cli",),
)
LEAVES = set(LAYERS[0])


def layer_of(module: str) -> tuple[int, str]:
    """The layer and the package (or top-level module) of an ecrctl module."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "ecrctl"
    if top == "__main__":
        return len(LAYERS), top
    for index, layer in enumerate(LAYERS):
        if top in layer:
            return index, top
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS and the docs")


def runtime_ecrctl_imports(path: Path) -> set[str]:
    """The ecrctl modules ``path`` imports at run time, inside functions too
    (only ``if TYPE_CHECKING:`` blocks are left out)."""
    tree = ast.parse(path.read_text())
    guarded = type_checking_nodes(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "ecrctl")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "ecrctl":
                continue
            if node.module == "ecrctl":  # from ecrctl import paths, __version__
                found.update(
                    f"ecrctl.{a.name}"
                    if (PACKAGE / a.name).exists() or (PACKAGE / f"{a.name}.py").exists()
                    else "ecrctl"
                    for a in node.names
                )
            else:
                found.add(node.module)
    return found


def order_violations() -> list[str]:
    found: list[str] = []
    for path in ALL:
        here = module_name(path)
        layer, package = layer_of(here)
        for target in sorted(runtime_ecrctl_imports(path)):
            target_layer, target_package = layer_of(target)
            if target_package == package:
                continue
            if target_layer > layer or (target_layer == layer and package not in LEAVES):
                found.append(f"{here} imports {target} ({target_package} is not below {package})")
    return found


def test_packages_import_only_downwards() -> None:
    assert order_violations() == []


def test_the_order_check_finds_an_upward_import_inside_a_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "ecrctl"
    for package in ("aws", "login"):
        (fake / package).mkdir(parents=True)
        (fake / package / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "aws" / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ecrctl.login import b\n"
        "def f():\n    from ecrctl.login.b import g\n"
    )
    (fake / "login" / "b.py").write_text("from ecrctl.aws import a\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    monkeypatch.setattr(sys.modules[__name__], "ALL", sorted(fake.rglob("*.py")))
    assert order_violations() == ["ecrctl.aws.a imports ecrctl.login.b (login is not below aws)"]


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    layered = {name for layer in LAYERS for name in layer}
    assert (packages | modules) - layered == set()


# -- the tests mirror the tree --------------------------------------------------------------

TESTS = PACKAGE.parent / "tests"
# The packages (and top-level modules) whose every module has its test module at the mirrored
# path: ecrctl/lifecycle/engine.py <-> tests/lifecycle/test_engine.py, ecrctl/cli/image/copy.py
# <-> tests/cli/image/test_copy.py, ecrctl/redact.py <-> tests/test_redact.py. A package's
# __init__.py is left out: it names the package's parts (or declares a command group).
MIRRORED = (
    "atomicfile",
    "errors",
    "jsonstrict",
    "jsonrecord",
    "paths",
    "redact",
    "aws",
    "docker_engine",
    "translate",
    "batch",
    "distribution",
    "login",
    "repo",
    "image",
    "public",
    "registry",
    "usage",
    "lifecycle",
    "policy",
    "completion",
    "doctor",
    "cli",
    "events",
    "registry",
    "repo",
)
# Modules of those packages that only declare (constants, a small record) and so need no
# test module of their own, by path under ecrctl/. None today.
DECLARATIONS: frozenset[str] = frozenset()


@pytest.mark.parametrize("name", MIRRORED)
def test_every_module_has_its_test_module_at_the_mirrored_path(name: str) -> None:
    package = PACKAGE / name
    modules = sorted(package.rglob("*.py")) if package.is_dir() else [PACKAGE / f"{name}.py"]
    assert modules, f"ecrctl has no package or module {name!r}"
    missing = []
    for path in modules:
        relative = path.relative_to(PACKAGE)
        if path.name == "__init__.py" or str(relative) in DECLARATIONS:
            continue
        mirrored = TESTS / relative.parent / f"test_{path.name}"
        if not mirrored.is_file():
            missing.append(f"{relative} (tests/{mirrored.relative_to(TESTS)})")
    assert missing == [], "add a test module for each"
