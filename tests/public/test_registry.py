"""``ecrctl registry show --public``: the ECR Public registry's aliases
(DescribeRegistries), the primary one named."""

from __future__ import annotations

from tests.conftest import ACCOUNT, Runner
from tests.public.conftest import ALIAS, PublicWorld


def test_show_public_lists_every_alias_and_names_the_primary(
    cli: Runner, world: PublicWorld
) -> None:
    result = cli("registry", "show", "--public", "-o", "json")
    assert result.exit_code == 0, result.stderr
    [registry] = result.json
    assert registry["primaryAlias"] == ALIAS
    assert [a["name"] for a in registry["aliases"]] == [ALIAS, "a1b2c3d4"]
    assert registry["registryUri"] == f"public.ecr.aws/{ALIAS}"
    assert world.fake.operations() == ["DescribeRegistries"]

    table = cli("registry", "show", "--public").stdout.splitlines()
    assert table[0].split() == [
        "REGISTRY",
        "ID",
        "ALIAS",
        "STATUS",
        "PRIMARY",
        "DEFAULT",
        "URI",
        "PREFIX",
    ]
    rows = {line.split()[1]: line.split() for line in table if line.startswith(ACCOUNT)}
    assert rows[ALIAS][2:] == ["ACTIVE", "yes", "no", f"public.ecr.aws/{ALIAS}"]
    assert rows["a1b2c3d4"][2:] == ["ACTIVE", "no", "yes", "public.ecr.aws/a1b2c3d4"]


def test_show_public_without_aliases_says_so(cli: Runner, world: PublicWorld) -> None:
    world.aliases = []
    result = cli("registry", "show", "--public")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "no aliases" in result.stderr
    assert cli("registry", "show", "--public", "-o", "json").json[0]["primaryAlias"] is None
