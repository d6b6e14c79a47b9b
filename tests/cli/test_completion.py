"""``ecrctl completion``, and completion driven through the real bash, zsh and fish
with the committed scripts (docs/generated files: tests/test_docs.py)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ecrctl.aws.settings import AwsSettings
from ecrctl.completion import cache as cc
from ecrctl.completion.cache import CacheScope, ImageId
from tests.conftest import REGION, Runner

ROOT = Path(__file__).resolve().parents[2]
COMPLETIONS = ROOT / "completions"
BIN = Path(sys.executable).parent
DIGEST = "sha256:" + "c" * 64
SHELLS = ["bash", "zsh", "fish"]


# -- ecrctl completion ------------------------------------------


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_command_prints_the_committed_script(cli: Runner, shell: str) -> None:
    result = cli("completion", shell)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (COMPLETIONS / f"ecrctl.{shell}").read_text()
    assert "_ECRCTL_COMPLETE" in result.stdout


def test_completion_defaults_to_the_login_shell(cli: Runner, monkeypatch: Any) -> None:
    monkeypatch.setenv("SHELL", "/usr/bin/fish")
    assert cli("completion").stdout == (COMPLETIONS / "ecrctl.fish").read_text()
    monkeypatch.setenv("SHELL", "/bin/sh")
    result = cli("completion")
    assert result.exit_code == 2
    assert result.stderr == (
        "ecrctl: error: cannot tell which shell to complete for; "
        "name it: ecrctl completion bash|zsh|fish\n"
    )


# -- the real shells ------------------------------------------


def shell_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def run_shell(argv: list[str], env: dict[str, str] | None) -> list[str]:
    proc = subprocess.run(argv, env=env or shell_env(), capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # nothing may land in the prompt
    return [line for line in proc.stdout.splitlines() if line]


def bash(line: str, env: dict[str, str] | None = None) -> list[str]:
    """COMPREPLY after calling the completion function as bash would for ``line``
    (bash's words break at spaces and at ``:``)."""
    words = re.findall(r"[^ :]+|:", line) + ([""] if line.endswith(" ") else [])
    script = (
        f"source {shlex.quote(str(COMPLETIONS / 'ecrctl.bash'))}\n"
        f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        f"COMP_LINE={shlex.quote(line)}\n"
        f"COMP_POINT={len(line)}\n"
        "COMPREPLY=()\n"
        "_ecrctl_completion ecrctl\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    return run_shell(["bash", "--norc", "--noprofile", "-c", script], env)


ZSH_HARNESS = """
compdef() { : }
_describe() { print -rl -- "${(@P)3}" }
compadd() { print -rl -- "${(@P)${@[-1]}}" }
_path_files() { print -r -- "<files>" }
source "$1"
words=("${(@)=2}")
[[ $2 == *" " ]] && words+=("")
CURRENT=${#words}
_ecrctl_completion
"""


def zsh(line: str, env: dict[str, str] | None = None) -> list[str]:
    """What the zsh script hands to compadd/_describe (value:help) for ``line``."""
    out = run_shell(
        ["zsh", "-f", "-c", ZSH_HARNESS, "zsh", str(COMPLETIONS / "ecrctl.zsh"), line], env
    )
    return [entry.split(":", 1)[0].replace("\\", "") if ":" in entry else entry for entry in out]


def fish(line: str, env: dict[str, str] | None = None) -> list[str]:
    """``complete -C`` in fish, descriptions dropped."""
    out = run_shell(
        [
            "fish",
            "--no-config",
            "-c",
            "source $argv[1]; complete -C $argv[2]",
            str(COMPLETIONS / "ecrctl.fish"),
            line,
        ],
        env,
    )
    return [entry.split("\t", 1)[0] for entry in out]


DRIVERS = {"bash": bash, "zsh": zsh, "fish": fish}


@pytest.fixture
def seeded() -> CacheScope:
    scope = CacheScope.of(AwsSettings())
    cc.remember_repositories(scope, ["team/app", "team/api", "tools/ci"])
    cc.remember_images(scope, "team/app", [ImageId("latest", DIGEST), ImageId("v1", DIGEST)])
    return scope


@pytest.mark.parametrize("shell", SHELLS)
def test_subcommand_names(shell: str) -> None:
    assert DRIVERS[shell]("ecrctl rep") == ["repo"]
    assert DRIVERS[shell]("ecrctl repo de") == ["delete"]


@pytest.mark.parametrize("shell", SHELLS)
def test_repository_names_from_the_cache(shell: str, seeded: CacheScope) -> None:
    assert DRIVERS[shell]("ecrctl repo delete ") == ["team/api", "team/app", "tools/ci"]
    assert DRIVERS[shell]("ecrctl repo show team/a") == ["team/api", "team/app"]
    assert DRIVERS[shell]("ecrctl repo tag ") == ["team/api", "team/app", "tools/ci"]
    # attached by the argument's name alone: policy repo declares a plain "repository"
    assert DRIVERS[shell]("ecrctl policy repo get t") == ["team/api", "team/app", "tools/ci"]


@pytest.mark.parametrize("shell", SHELLS)
def test_global_options_choose_the_cache_scope(shell: str, seeded: CacheScope) -> None:
    cc.remember_repositories(CacheScope.of(AwsSettings(region="eu-west-1")), ["irish/app"])
    assert DRIVERS[shell]("ecrctl --region eu-west-1 repo delete ") == ["irish/app"]
    assert DRIVERS[shell]("ecrctl repo delete --region eu-west-1 ") == ["irish/app"]


@pytest.mark.parametrize("shell", SHELLS)
def test_profiles_and_regions(shell: str, isolated: Path) -> None:
    (isolated / ".aws").mkdir()
    (isolated / ".aws" / "config").write_text("[default]\n[profile dev]\n[profile prod]\n")
    (isolated / ".aws" / "credentials").write_text("[ci]\n")
    assert DRIVERS[shell]("ecrctl --profile ") == ["ci", "default", "dev", "prod"]
    assert DRIVERS[shell]("ecrctl repo list --profile d") == ["default", "dev"]
    assert DRIVERS[shell]("ecrctl --region eu-west-") == ["eu-west-1", "eu-west-2", "eu-west-3"]


def test_fish_shows_whole_help_texts() -> None:
    proc = subprocess.run(
        [
            "fish",
            "--no-config",
            "-c",
            "source $argv[1]; complete -C 'ecrctl rep'",
            str(COMPLETIONS / "ecrctl.fish"),
        ],
        env=shell_env(),
        capture_output=True,
        text=True,
    )
    assert proc.stdout.startswith("repo\tCreate, list, inspect")


def test_installed_for_the_user_each_shell_loads_it(tmp_path: Path) -> None:
    """The per-user install paths of docs/completion.md: bash-completion's, zsh's fpath, fish's."""
    bash_dir = tmp_path / "share" / "bash-completion" / "completions"
    zsh_dir = tmp_path / "zfunc"
    fish_dir = tmp_path / "config" / "fish" / "completions"
    for directory, name, shell in (
        (bash_dir, "ecrctl", "bash"),
        (zsh_dir, "_ecrctl", "zsh"),
        (fish_dir, "ecrctl.fish", "fish"),
    ):
        directory.mkdir(parents=True)
        (directory / name).write_text((COMPLETIONS / f"ecrctl.{shell}").read_text())
    loader = "source /usr/share/bash-completion/bash_completion; _completion_loader ecrctl"
    env = shell_env(XDG_DATA_HOME=str(tmp_path / "share"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    assert run_shell(["bash", "--norc", "-c", f"{loader}; complete -p ecrctl"], env) == [
        "complete -o nosort -F _ecrctl_completion ecrctl"
    ]
    compinit = (
        f"fpath=({zsh_dir} $fpath); autoload -U compinit; "
        f"compinit -u -d {tmp_path / 'zcompdump'}; print -r -- $_comps[ecrctl]"
    )
    assert run_shell(["zsh", "-f", "-c", compinit], env) == ["_ecrctl"]
    assert run_shell(["fish", "-c", "complete -C 'ecrctl rep'"], env) == [
        "repo\tCreate, list, inspect, delete and tag..."
    ]


def test_install_puts_each_script_where_a_fresh_shell_completes_it(tmp_path: Path) -> None:
    """``completion install`` into an empty HOME (no XDG variables): a fresh bash with
    bash-completion, a zsh with the fpath line install tells and compinit, and fish
    each complete ``ecrctl im`` to ``image``."""
    home = tmp_path / "fresh"
    home.mkdir()
    unset = ("XDG_", "ZDOTDIR", "BASH_COMPLETION_USER_DIR")
    env = {k: v for k, v in shell_env().items() if not k.startswith(unset)} | {"HOME": str(home)}
    told = {}
    for shell, path in (
        ("bash", ".local/share/bash-completion/completions/ecrctl"),
        ("zsh", ".zfunc/_ecrctl"),
        ("fish", ".config/fish/completions/ecrctl.fish"),
    ):
        done = subprocess.run(
            [str(BIN / "ecrctl"), "completion", "install", shell],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout == f"{home / path}\n"
        assert (home / path).read_text() == (COMPLETIONS / f"ecrctl.{shell}").read_text()
        told[shell] = done.stderr
    line = f"add this line to {home / '.zshrc'} before compinit: fpath=(~/.zfunc $fpath)"
    assert line in told["zsh"], told
    fpath = line.split("compinit: ")[1]
    (home / ".zshrc").write_text(f"{fpath}\nautoload -U compinit\ncompinit -u\n")
    bash_tab = (
        "source /usr/share/bash-completion/bash_completion; _completion_loader ecrctl; "
        "spec=$(complete -p ecrctl); fn=${spec##*-F }; fn=${fn%% *}; "
        "COMP_WORDS=(ecrctl im); COMP_CWORD=1; COMP_LINE='ecrctl im'; COMP_POINT=9; "
        'COMPREPLY=(); "$fn" ecrctl im ecrctl; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    assert run_shell(["bash", "--norc", "-c", bash_tab], env) == ["image"]
    zsh_tab = (
        "source ~/.zshrc; "
        '_describe() { print -rl -- "${(@P)3}" }; compadd() { print -rl -- "${(@P)${@[-1]}}" }; '
        "words=(ecrctl im); CURRENT=2; $_comps[ecrctl]"
    )
    assert [e.split(":")[0] for e in run_shell(["zsh", "-f", "-c", zsh_tab], env)] == ["image"]
    fish_tab = run_shell(["fish", "-c", "complete -C 'ecrctl im'"], env)
    assert [entry.split("\t")[0] for entry in fish_tab] == ["image"]
    again = subprocess.run(
        [str(BIN / "ecrctl"), "completion", "install", "zsh"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert again.returncode == 0 and "fpath" not in again.stderr, again.stderr


# -- the completion process itself ------------------------------------------


def protocol(line: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """One completion request through click's env-var protocol, as the scripts send it."""
    words = line.split(" ")
    return subprocess.run(
        [str(BIN / "ecrctl")],
        env=shell_env(
            _ECRCTL_COMPLETE="bash_complete",
            COMP_WORDS=line,
            COMP_CWORD=str(len(words) - 1),
            **(env or {}),
        ),
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_a_fresh_cache_answers_without_aws_docker_or_rich(
    seeded: CacheScope, tmp_path: Path
) -> None:
    loaded = tmp_path / "modules"
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(loaded)!r}, 'w').write(' '.join(sys.modules)))\n"
        "from ecrctl.cli.main import main\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=shell_env(
            _ECRCTL_COMPLETE="bash_complete", COMP_WORDS="ecrctl repo delete ", COMP_CWORD="3"
        ),
        capture_output=True,
        text=True,
    )
    assert proc.stdout.split() == ["plain,team/api", "plain,team/app", "plain,tools/ci"]
    modules = loaded.read_text().split()
    assert "ecrctl.cli.repo" in modules
    heavy = [m for m in modules if m.split(".")[0] in {"boto3", "botocore", "docker", "rich"}]
    assert heavy == []


def test_a_missing_cache_is_filled_by_one_call_to_the_endpoint(moto_url: str) -> None:
    import boto3

    boto3.client("ecr", region_name=REGION, endpoint_url=moto_url).create_repository(
        repositoryName="from/moto"
    )
    proc = protocol("ecrctl repo delete ", {"AWS_ENDPOINT_URL_ECR": moto_url})
    assert (proc.stdout, proc.stderr) == ("plain,from/moto\n", "")
    scope = CacheScope.of(AwsSettings(endpoint_url=moto_url))
    assert cc.load(scope)["repositories"]["names"] == ["from/moto"]


def test_failures_print_nothing_and_do_not_hang() -> None:
    start = time.monotonic()
    proc = protocol("ecrctl --debug repo delete ", {"AWS_ENDPOINT_URL_ECR": "http://127.0.0.1:9"})
    assert time.monotonic() - start < 10
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "\n", "")


def test_a_broken_subcommand_module_yields_no_candidates() -> None:
    proc = protocol("ecrctl policy repo ")  # a lazily loaded module that may not exist
    assert proc.returncode == 0
    assert proc.stderr == ""


# -- side effects of listing ------------------------------------------


@pytest.mark.usefixtures("moto")
def test_repo_list_fills_the_cache(cli: Runner, ecr: Any) -> None:
    for name in ("b/two", "a/one"):
        ecr.create_repository(repositoryName=name)
    assert cli("repo", "list").exit_code == 0
    scope = CacheScope.of(AwsSettings())
    entry = cc.load(scope)["repositories"]
    assert entry["names"] == ["a/one", "b/two"]
    assert time.time() - entry["updated"] < 60
    ecr.delete_repository(repositoryName="b/two")
    ecr.create_repository(repositoryName="b/three")
    assert cli("repo", "list", "b/").exit_code == 0
    assert cc.load(scope)["repositories"]["names"] == ["a/one", "b/three"]


@pytest.mark.usefixtures("moto")
def test_repo_list_with_a_registry_id_fills_that_scope(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    assert cli("repo", "list", "--registry-id", "123456789012").exit_code == 0
    assert cc.load(CacheScope.of(AwsSettings(registry_id="123456789012")))["repositories"][
        "names"
    ] == ["app"]
    assert cc.load(CacheScope.of(AwsSettings())) == {}


@pytest.mark.parametrize("shell", SHELLS)
def test_image_tags_once_the_repository_is_typed(shell: str, seeded: CacheScope) -> None:
    assert DRIVERS[shell]("ecrctl image retag team/app ") == ["latest", "v1"]
    assert DRIVERS[shell]("ecrctl image show team/app l") == ["latest"]
    assert DRIVERS[shell]("ecrctl image delete team/app ") == ["latest", "v1"]
    assert DRIVERS[shell]("ecrctl image list t") == ["team/api", "team/app", "tools/ci"]


@pytest.mark.parametrize("shell", SHELLS)
def test_template_names(shell: str) -> None:
    from ecrctl.lifecycle.templates import TEMPLATES
    from ecrctl.policy.iam import IAM_TEMPLATES
    from ecrctl.policy.templates import REPOSITORY_TEMPLATES

    assert DRIVERS[shell]("ecrctl policy lifecycle template ") == sorted(TEMPLATES)
    assert DRIVERS[shell]("ecrctl policy repo template p") == sorted(
        n for n in REPOSITORY_TEMPLATES if n.startswith("p")
    )
    assert DRIVERS[shell]("ecrctl policy iam template ") == sorted(IAM_TEMPLATES)


@pytest.mark.parametrize("shell", SHELLS)
def test_logout_hosts_from_the_docker_config(shell: str, isolated: Path) -> None:
    host = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    docker = isolated / ".docker"
    docker.mkdir(exist_ok=True)
    config = {"auths": {host: {"auth": "QVdTOnB3"}, "docker.io": {}}}
    (docker / "config.json").write_text(json.dumps(config))
    assert DRIVERS[shell]("ecrctl logout ") == [host]


@pytest.mark.usefixtures("moto")
def test_image_list_fills_the_cache_for_tag_completion(cli: Any, ecr: Any) -> None:
    from tests.image_samples import put, schema2

    ecr.create_repository(repositoryName="team/web")
    digest = put(
        ecr,
        "team/web",
        schema2("w"),
        "application/vnd.docker.distribution.manifest.v2+json",
        tag="v7",
    )
    scope = CacheScope.of(AwsSettings())
    assert cc.load(scope).get("images", {}).get("team/web") is None
    assert cli("image", "list", "team/web").exit_code == 0
    entry = cc.load(scope)["images"]["team/web"]  # written by the listing, no refresh
    assert entry["ids"] == [["v7", digest]]
    assert entry["updated"] > 0
