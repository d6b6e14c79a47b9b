"""Both spellings of a policy file, template parameters and tags read the same."""

from __future__ import annotations

import pytest

from ecrctl.cli.policy_style import one_policy_file, some_tags, template_params
from ecrctl.errors import InvalidInput


def test_one_policy_file() -> None:
    assert one_policy_file("p.json", None) == one_policy_file(None, "p.json") == "p.json"
    with pytest.raises(InvalidInput, match="two policy files"):
        one_policy_file("a.json", "b.json")


def test_some_tags() -> None:
    assert some_tags(("a=b",), ("c=d",)) == ("a=b", "c=d")
    with pytest.raises(InvalidInput, match="no tags given"):
        some_tags((), ())


def test_template_params() -> None:
    got = template_params(("account=1", "principal=arn:x", "admin=arn:a"), (), ("2",), None)
    assert got == (("arn:x",), ("2", "1"), "arn:a")
    with pytest.raises(InvalidInput, match="invalid template parameter 'count=1'"):
        template_params(("count=1",), (), (), None)
    with pytest.raises(InvalidInput, match="two admins"):
        template_params(("admin=arn:a",), (), (), "arn:b")
