"""ecrctl's config file: the registry mappings it holds, checked as they are read, and
edits that add, replace or remove one host's table and keep every other line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.login.mappings import (
    RegistryMapping,
    config_path,
    load_config,
    remove_mapping,
    render_mapping,
    save_mapping,
)

ACCOUNT = "123456789012"
FILE = """\
# registries this machine talks to
[registries."127.0.0.1:5000"]
account = "123456789012"
region = "eu-west-1"
profile = "dev"
endpoint_url = "http://127.0.0.1:5001"

[registries.'mirror.example.com']
public = true
"""


def test_a_missing_file_maps_nothing() -> None:
    config = load_config()
    assert config.path == config_path()
    assert config.registries == {}
    assert config.mapping_for("127.0.0.1:5000") is None


def test_each_table_is_a_mapping() -> None:
    config_path().parent.mkdir(parents=True)
    config_path().write_text(FILE)
    config = load_config()
    assert config.registries == {
        "127.0.0.1:5000": RegistryMapping(
            "127.0.0.1:5000", ACCOUNT, "eu-west-1", "dev", "http://127.0.0.1:5001"
        ),
        "mirror.example.com": RegistryMapping("mirror.example.com", "", "us-east-1", public=True),
    }
    assert config.host_for(ACCOUNT, "eu-west-1") == "127.0.0.1:5000"
    assert config.host_for(ACCOUNT, "us-east-1") is None
    assert config.mapping_for("mirror.example.com") == config.registries["mirror.example.com"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('registries = "x"\n', "registries must be tables"),
        ('[registries]\n"h:1" = 3\n', "registries.'h:1' must be a table"),
        ('[registries."h:1"]\naccount = "123456789012"\n', "needs account (12 digits, quoted)"),
        ('[registries."h:1"]\naccount = "1234"\nregion = "us-east-1"\n', "needs account"),
        (
            '[registries."h:1"]\naccount = "123456789012"\nregion = "us-east-1"\nprofile = ""\n',
            "profile must be a non-empty string",
        ),
        ('[registries."h:1"]\npublic = true\nregion = "moon base"\n', "invalid region"),
        ("[registries\n", "is not valid TOML"),
    ],
)
def test_a_bad_file_is_refused_with_its_path(text: str, message: str) -> None:
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text(text)
    with pytest.raises(InvalidInput, match=re.escape(message)) as info:
        load_config()
    assert str(path) in info.value.one_line()


def test_a_mapping_is_rendered_as_its_table() -> None:
    private = RegistryMapping("h:1", ACCOUNT, "eu-west-1", endpoint_url="http://127.0.0.1:9")
    assert render_mapping(private) == (
        '[registries."h:1"]\naccount = "123456789012"\nregion = "eu-west-1"\n'
        'endpoint_url = "http://127.0.0.1:9"\n'
    )
    public = RegistryMapping("h:2", "", "us-east-1", profile="p", public=True)
    assert render_mapping(public) == '[registries."h:2"]\npublic = true\nprofile = "p"\n'


def test_saving_replaces_the_hosts_table_and_keeps_every_other_line() -> None:
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text(FILE)
    assert save_mapping(RegistryMapping("mirror.example.com", ACCOUNT, "us-west-2")) == path
    text = path.read_text()
    assert text.startswith(FILE.split("\n\n")[0] + "\n\n")  # the comment and the first table
    assert "public = true" not in text
    assert load_config().registries["mirror.example.com"].region == "us-west-2"
    save_mapping(RegistryMapping("new:1", ACCOUNT, "ap-south-1"))
    assert set(load_config().registries) == {"127.0.0.1:5000", "mirror.example.com", "new:1"}


def test_the_first_mapping_makes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "config.toml"
    save_mapping(RegistryMapping("h:1", ACCOUNT, "eu-west-1"), path)
    assert path.read_text() == render_mapping(RegistryMapping("h:1", ACCOUNT, "eu-west-1"))


def test_a_file_that_does_not_parse_is_not_edited() -> None:
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text("[registries\n")
    with pytest.raises(InvalidInput, match="is not valid TOML"):
        save_mapping(RegistryMapping("h:1", ACCOUNT, "eu-west-1"))
    assert path.read_text() == "[registries\n"


def test_removing_drops_only_that_table() -> None:
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text(FILE)
    assert remove_mapping("127.0.0.1:5000") is True
    assert list(load_config().registries) == ["mirror.example.com"]
    assert path.read_text().startswith("# registries this machine talks to\n")
    assert remove_mapping("127.0.0.1:5000") is False
    assert remove_mapping("mirror.example.com") is True
    assert load_config().registries == {}
