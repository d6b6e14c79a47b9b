"""The strict JSON reader: what json.loads lets through, refused with a path."""

from __future__ import annotations

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.jsonstrict import JsonProblem, load_input, loads


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "a: this key appears twice; keep one of them"),
        ('{"S": [{"E": "Deny", "E": "Allow"}]}', "S[0].E: this key appears twice"),
        ('{"a": {"b": {"c": 1, "c": 1}}}', "a.b.c: this key appears twice"),
        ("[" * 65 + "]" * 65, "JSON: nested 65 levels deep; at most 64 levels are accepted"),
        ('{"a": ' + "[" * 64 + "]" * 64 + "}", "JSON: nested 65 levels deep"),
        ("[" * 40 + '{"a": ' + "[" * 30 + "]" * 30 + "}" + "]" * 40, "JSON: nested 71 levels"),
        ('[1, {"a": 1}, {"b": {"c": {"d": 1, "d": 2}}}]', "[2].b.c.d: this key appears twice"),
        ('{"x": NaN}', "JSON: NaN is not a JSON number"),
        ("[Infinity]", "JSON: Infinity is not a JSON number"),
        ('{"n": 2147483648}', "n: 2147483648 is out of range; ECR holds integers up to"),
        ('{"n": [-99999999999]}', "n[0]: -99999999999 is out of range"),
        ("{", "line 1, column 2: Expecting property name enclosed in double quotes"),
    ],
)
def test_refused_documents_name_the_place(text: str, message: str) -> None:
    with pytest.raises(JsonProblem) as caught:
        loads(text)
    assert str(caught.value).startswith(message)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert loads('{"description": "' + "[" * 1000 + '"}') == {"description": "[" * 1000}


def test_a_deeply_nested_document_never_overflows_the_stack() -> None:
    with pytest.raises(JsonProblem, match="levels deep"):
        loads("[" * 100_000)


@pytest.mark.parametrize(
    ("text", "depth"),
    [("[]", 1), ("{}", 1), ('[{"a": [{"b": 1}]}]', 4), ('{"a": [[], [[{}]]], "b": {}}', 5)],
)
def test_the_depth_is_that_of_the_deepest_object_or_array(text: str, depth: int) -> None:
    assert loads(text, max_depth=depth) is not None
    with pytest.raises(JsonProblem, match=f"nested {depth} levels deep; at most {depth - 1}"):
        loads(text, max_depth=depth - 1)


def test_valid_documents_read_as_json_loads_reads_them() -> None:
    text = '{"a": [1, 2.5, "x", null, true], "b": {"c": 2147483647}}'
    assert loads(text) == {"a": [1, 2.5, "x", None, True], "b": {"c": 2147483647}}
    assert loads('{"size": 5000000000}', max_int=2**63 - 1) == {"size": 5000000000}


def test_input_that_is_not_json_is_refused_naming_what_it_is_and_where() -> None:
    with pytest.raises(InvalidInput) as caught:
        load_input('{"a": 1, "a": 2}', "--condition", hint="give each key once")
    assert caught.value.message == (
        "--condition is not valid JSON: a: this key appears twice; keep one of them"
    )
    assert caught.value.hint == "give each key once"
    assert load_input('{"a": [1]}', "policy.json") == {"a": [1]}
