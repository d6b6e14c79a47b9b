"""``ecrctl image copy``'s own part: the options it refuses together, the line saying what
moved (copied, would be copied, unchanged) and the image URI on stdout; between two real
docker-registry servers with moto's ECR API behind them."""

from __future__ import annotations

import re

from tests.conftest import Runner
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    copy_env_fixture,
    registries_fixture,
)
from tests.support.cli import one_line_error
from tests.support.names import unique


def test_platform_and_all_platforms_exclude_each_other(cli: Runner) -> None:
    result = cli("image", "copy", "a/b:1", "c/d:1", "--platform", "linux/amd64", "--all-platforms")
    one_line_error(result, 2, "--platform and --all-platforms exclude each other; give one of them")


def test_each_outcome_is_one_line_and_the_uri_is_printed(copy_env: CopyEnv, cli: Runner) -> None:
    src, dst = unique(), unique()
    copy_env.a.push_image(src, "1")
    source, target = f"{copy_env.a.host}/{src}:1", f"{copy_env.b.host}/{dst}:1"

    planned = cli("image", "copy", source, target, "--create", "--dry-run")
    assert planned.exit_code == 0, planned.stderr
    assert planned.stderr.splitlines()[0] == f"would create repository {target}"
    assert re.fullmatch(
        rf"{re.escape(target)}: would be copied; 1 manifest\(s\), 3 blob\(s\), \d+\.\d MiB",
        planned.stderr.splitlines()[1],
    )

    copied = cli("image", "copy", source, target, "--create")
    assert copied.exit_code == 0, copied.stderr
    assert copied.stderr.splitlines()[0] == f"created repository {target}"
    assert re.fullmatch(
        rf"{re.escape(target)}: copied; 3 blob\(s\) copied \(\d+\.\d MiB\), 0 mounted, "
        "0 already there",
        copied.stderr.splitlines()[1],
    )
    digest = copy_env.b.manifest(dst, "1").headers["Docker-Content-Digest"]
    assert copied.stdout == f"{copy_env.b.host}/{dst}@{digest}\n"

    again = cli("image", "copy", source, target, "-q")
    assert again.exit_code == 0, again.stderr
    assert again.stderr == ""
    assert cli("image", "copy", source, target).stderr == (
        f"{target}: unchanged: the destination already has this image; nothing moved\n"
    )
