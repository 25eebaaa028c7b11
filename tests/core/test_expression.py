"""The route selection expression: parsing, evaluation against frames, and choosing the route."""

from __future__ import annotations

import dataclasses
import json
import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wstui.core.errors import ExpressionError, UsageError
from wstui.core.routes.expression import RouteSelectionExpression, parse_expression, select_route

# --- examples: evaluation -------------------------------------------------------------------------

SELECT_CASES = [
    # the bare form
    ("$request.body.message", '{"message": "hello"}', "hello"),
    ("$request.body.action", '{"action": "join", "room": 7}', "join"),
    ("$request.body.my-key_2", '{"my-key_2": "ok"}', "ok"),
    ("$request.body.a.b", '{"a": {"b": "deep"}}', "deep"),
    ("$request.body.a.b.c", '{"a": {"b": {"c": "deeper"}}}', "deeper"),
    ("$request.body.Action", '{"action": "join"}', ""),  # keys are case-sensitive
    ("$request.body.a", '{"a": "1", "a": "2"}', "2"),  # duplicate keys: the last one wins
    ("$request.body.a", ' \n{"a": "x"}\t ', "x"),  # whitespace around the JSON is fine
    # templates
    ("${request.body.service}/${request.body.action}", '{"service": "chat", "action": "join"}', "chat/join"),
    ("route-${request.body.action}-v1", '{"action": "join"}', "route-join-v1"),
    ("${request.body.a}${request.body.b}", '{"a": "x", "b": "y"}', "xy"),
    ("${request.body.a.b}!", '{"a": {"b": "deep"}}', "deep!"),
    ("a}b", "{}", "a}b"),  # a lone "}" in text is literal
    ("chat", '{"action": "join"}', "chat"),  # a pure literal evaluates to itself
    # paths that do not resolve give ""
    ("$request.body.nope", '{"a": 1}', ""),
    ("${request.body.a}-${request.body.nope}", '{"a": "a"}', "a-"),
    ("$request.body.a.b", '{"a": "not an object"}', ""),
    ("$request.body.a.b", '{"a": [{"b": 1}]}', ""),  # arrays are not indexed
    ("$request.body.a.0", '{"a": ["x"]}', ""),
    ("$request.body.a", '["a"]', ""),  # the body is not an object
    ("$request.body.a", '"a"', ""),
    ("$request.body.a", "5", ""),
    ("$request.body.a", "null", ""),
    ("<${request.body.a.b}>", '{"a": null}', "<>"),
    # non-string values become their JSON text
    ("$request.body.a", '{"a": 5}', "5"),
    ("$request.body.a", '{"a": -2}', "-2"),
    ("$request.body.a", '{"a": 1.5}', "1.5"),
    ("$request.body.a", '{"a": 1e2}', "100.0"),  # re-serialised by Python, not copied from the frame
    ("$request.body.a", '{"a": true}', "true"),
    ("$request.body.a", '{"a": false}', "false"),
    ("$request.body.a", '{"a": null}', "null"),  # present but null is not missing
    ("$request.body.a", '{"a": ""}', ""),
    ("$request.body.a", '{"a": "h\\u00e9llo"}', "héllo"),
    ("$request.body.a", '{"a": {"y": 2, "x": [1, 2]}}', '{"y":2,"x":[1,2]}'),  # compact, order kept
    ("$request.body.a", '{"a": [1, "two", null]}', '[1,"two",null]'),
    ("$request.body.a", '{"a": {"k": "é"}}', '{"k":"\\u00e9"}'),  # json.dumps's ASCII escaping
    ("v${request.body.a}", '{"a": 2}', "v2"),
    # the whole body
    ("${request.body}", '{"a": 1}', '{"a":1}'),
    ("${request.body}", '"hi"', "hi"),
    ("${request.body}", "7", "7"),
    ("[${request.body}]", "[]", "[[]]"),
    # escapes
    (r"\$${request.body.a}", '{"a": "5"}', "$5"),
    (r"cost: \$5", "{}", "cost: $5"),
    (r"\${request.body.a}", '{"a": "x"}', "${request.body.a}"),
    (r"a\\b", "{}", "a\\b"),
    (r"\\${request.body.a}", '{"a": "x"}', "\\x"),
    (r"\\\$", "{}", "\\$"),
    # bytes frames
    ("$request.body.action", b'{"action": "join"}', "join"),
    ("$request.body.a", '{"a": "é"}'.encode(), "é"),
]


@pytest.mark.parametrize(("text", "frame", "expected"), SELECT_CASES)
def test_select(text: str, frame: str | bytes, expected: str) -> None:
    assert parse_expression(text).select(frame) == expected


@pytest.mark.parametrize(("text", "frame", "expected"), SELECT_CASES)
def test_evaluate_matches_select_on_the_parsed_body(text: str, frame: str | bytes, expected: str) -> None:
    assert parse_expression(text).evaluate(json.loads(frame)) == expected


NOT_JSON = [
    "hello",
    "",
    "   ",
    "{",
    '{"action": "join"',
    "{'action': 'join'}",
    '{"a": 1} trailing',
    "NaN",
    '{"action": Infinity}',
    "-Infinity",
    b"\xff\xfe",
    b"\x80",
    b'{"action": "caf\xe9"}',  # Latin-1, not UTF-8
    '{"a":' + "[" * 100_000 + "]" * 100_000 + "}",
]


@pytest.mark.parametrize("frame", NOT_JSON)
@pytest.mark.parametrize("text", ["$request.body.action", "${request.body}", "chat"])
def test_a_frame_that_is_not_json_has_no_key(text: str, frame: str | bytes) -> None:
    assert parse_expression(text).select(frame) is None


def test_nesting_near_the_interpreter_limit_never_raises() -> None:
    expression = parse_expression("${request.body.a}")
    for depth in range(850, 1150):
        frame = '{"a":' + "[" * depth + "]" * depth + "}"
        result = expression.select(frame)
        assert result is None or result == "[" * depth + "]" * depth


PARTS_CASES = [
    ("$request.body.a.b", (("a", "b"),)),
    ("x${request.body.a}y", ("x", ("a",), "y")),
    ("${request.body.a}${request.body.b.c}", (("a",), ("b", "c"))),
    ("${request.body}", ((),)),
    (r"a\$b\\c", ("a$b\\c",)),  # escapes merge into one literal
    ("chat", ("chat",)),
]


@pytest.mark.parametrize(("text", "parts"), PARTS_CASES)
def test_parts(text: str, parts: tuple[object, ...]) -> None:
    expression = parse_expression(text)
    assert expression.parts == parts
    assert expression.text == text


def test_the_expression_is_a_frozen_value_that_validates_itself() -> None:
    expression = parse_expression("$request.body.action")
    assert expression == RouteSelectionExpression("$request.body.action")
    assert hash(expression) == hash(RouteSelectionExpression("$request.body.action"))
    assert expression != parse_expression("${request.body.action}")
    with pytest.raises(dataclasses.FrozenInstanceError):
        expression.text = "chat"  # type: ignore[misc]
    with pytest.raises(ExpressionError):
        RouteSelectionExpression("$request.header.x")


# --- examples: errors -----------------------------------------------------------------------------

ERROR_CASES = [
    ("", "is empty"),
    ("$request.header.x", 'has "h" at position 9 where "$request.body" was expected'),
    ("$request.querystring.x", 'has "q" at position 9'),
    ("$request", 'ends at position 8 where "$request.body" was expected'),
    ("$request.bodyx", 'has "x" at position 13 where "." and a key were expected'),
    ("$request.body", "ends at position 13"),
    ("$request.body.", "has an empty key at position 14"),
    ("$request.body..a", "has an empty key at position 14"),
    ("$request.body.a.", "has an empty key at position 16"),
    ("$request.body.a/b", 'has "/" at position 15, which a key cannot contain'),
    ("$request.body.a ", 'has " " at position 15'),
    ("$request.body.a-${request.body.b}", 'has "$" at position 16'),
    ("$request.body.é", 'has "é" at position 14 where a key was expected'),
    ("$rx", 'has "x" at position 2'),
    ("${request.body.}", "has an empty key at position 15"),
    ("${request.body..a}", "has an empty key at position 15"),
    ("${request.body.x", 'is missing a closing "}" after position 0'),
    ("a-${request.body.x", 'is missing a closing "}" after position 2'),
    ("${request.body.a}-${", 'is missing a closing "}" after position 18'),
    ("${", 'is missing a closing "}" after position 0'),
    ("${}", 'has "}" at position 2 where "${request.body" was expected'),
    ("${request}", 'has "}" at position 9'),
    ("${request.header.x}", 'has "h" at position 10'),
    ("${request.bodyx}", 'has "x" at position 14 where "." or "}" was expected'),
    ("${request.body x}", 'has " " at position 14'),
    ("${request.body.a b}", 'has " " at position 16 where "." or "}" was expected'),
    ("${request.body.é}", 'has "é" at position 15 where a key was expected'),
    ("${request.body.a${request.body.b}}", 'has "$" at position 16'),
    ("${ request.body.a}", 'has " " at position 2'),
    ("chat$", 'has a "$" at position 4 that does not start ${request.body...}; write \\$'),
    ("$", 'has a "$" at position 0'),
    ("$connect", 'has a "$" at position 0'),
    ("price: $5", 'has a "$" at position 7'),
    (" $request.body.a", 'has a "$" at position 1'),
    ("a$request.body.x", 'has a "$" at position 1'),
    ("$$request.body.a", 'has a "$" at position 0'),
    ("a\\b", 'has a lone "\\" at position 1; write \\$ for "$" or \\\\ for "\\"'),
    ("end\\", 'has a lone "\\" at position 3'),
    ("\\n", 'has a lone "\\" at position 0'),
]


@pytest.mark.parametrize(("text", "fragment"), ERROR_CASES)
def test_errors(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    message = str(caught.value)
    assert message.startswith(f'Route selection expression "{text}" ')
    assert fragment in message
    assert message.endswith(".")
    assert "\n" not in message
    assert isinstance(caught.value, UsageError)
    assert caught.value.exit_code == 2


def test_the_error_message_for_a_missing_brace_reads_as_one_sentence() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression("${request.body.x")
    expected = 'Route selection expression "${request.body.x" is missing a closing "}" after position 0.'
    assert str(caught.value) == expected


def test_unprintable_characters_are_escaped_in_messages() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression("$request.body.a\nb")
    expected = 'Route selection expression "$request.body.a\\nb" has "\\n" at position 15'
    assert str(caught.value).startswith(expected)


# --- examples: choosing the route -----------------------------------------------------------------

ROUTES = {"$connect", "$disconnect", "$default", "join", "leave"}

ROUTE_CASES = [
    ("join", ROUTES, "join"),
    ("leave", ["leave", "$default"], "leave"),
    ("nope", ROUTES, "$default"),
    ("Join", ROUTES, "$default"),
    ("", ROUTES, "$default"),
    (None, ROUTES, "$default"),
    ("$default", ROUTES, "$default"),
    ("$connect", ROUTES, "$default"),  # life-cycle routes are not chosen by a message
    ("$disconnect", ROUTES, "$default"),
    ("join", {"join"}, "join"),
    ("nope", {"join"}, None),
    (None, {"join"}, None),
    ("$connect", {"$connect", "join"}, None),
    ("join", set(), None),
]


@pytest.mark.parametrize(("key", "routes", "expected"), ROUTE_CASES)
def test_select_route(key: str | None, routes: set[str] | list[str], expected: str | None) -> None:
    assert select_route(key, routes) == expected


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ('{"action": "join"}', "join"),
        (b'{"action": "leave"}', "leave"),
        ('{"action": "dance"}', "$default"),
        ('{"other": "join"}', "$default"),
        ('{"action": "$connect"}', "$default"),
        ("join", "$default"),
        (b"\x00\x01", "$default"),
    ],
)
def test_a_frame_end_to_end(frame: str | bytes, expected: str) -> None:
    assert select_route(parse_expression("$request.body.action").select(frame), ROUTES) == expected


# --- properties -----------------------------------------------------------------------------------

keys = st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=1, max_size=8)
few_keys = st.sampled_from(["a", "b", "c"])  # a small alphabet so generated paths often resolve
paths = st.lists(few_keys, max_size=3)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5)
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(few_keys | keys, children, max_size=4),
    max_leaves=12,
)
json_objects = st.dictionaries(few_keys, json_values, max_size=3)


def escape(literal: str) -> str:
    return literal.replace("\\", "\\\\").replace("$", "\\$")


def braced(path: list[str]) -> str:
    return "${request.body" + "".join("." + key for key in path) + "}"


# A template as (source text, the parts a reader would expect), built from pieces.
pieces = st.one_of(
    st.text(min_size=1, max_size=6).map(lambda literal: (escape(literal), literal)),
    paths.map(lambda path: (braced(path), tuple(path))),
)
templates = st.lists(pieces, min_size=1, max_size=5)


MISSING = object()


def expected_value(parts: list[object], body: object) -> str:
    """An independent model of evaluation: walk each path, render what is there."""
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value = body
        for key in part:
            value = value.get(key, MISSING) if isinstance(value, dict) else MISSING
        if value is MISSING:
            out.append("")
        else:
            out.append(value if isinstance(value, str) else json.dumps(value, separators=(",", ":")))
    return "".join(out)


def source(template: list[tuple[str, object]]) -> str:
    return "".join(text for text, _ in template)


@given(keys, st.text())
def test_a_bare_path_selects_the_string_under_its_key(key: str, value: str) -> None:
    frame = json.dumps({key: value})
    assert parse_expression(f"$request.body.{key}").select(frame) == value
    assert parse_expression(f"$request.body.{key}").select(frame.encode()) == value
    assert parse_expression("${request.body." + key + "}").select(frame) == value


@given(st.lists(keys, min_size=1, max_size=5), st.text(), json_objects)
def test_a_nested_path_reaches_a_nested_value(path: list[str], value: str, siblings: dict[str, object]) -> None:
    body: object = value
    for key in reversed(path):
        body = {**siblings, key: body}
    assert parse_expression("$request.body." + ".".join(path)).evaluate(body) == value


@given(keys, scalars.filter(lambda v: not isinstance(v, str)))
def test_a_non_string_scalar_becomes_its_json_text(key: str, value: object) -> None:
    assert parse_expression(f"$request.body.{key}").select(json.dumps({key: value})) == json.dumps(value)


@given(keys, json_objects)
def test_a_missing_key_gives_the_empty_string(key: str, body: dict[str, object]) -> None:
    body.pop(key, None)
    assert parse_expression(f"$request.body.{key}").select(json.dumps(body)) == ""


@given(st.text(min_size=1), json_values)
def test_an_escaped_literal_round_trips(literal: str, body: object) -> None:
    expression = parse_expression(escape(literal))
    assert expression.parts == (literal,)
    assert expression.evaluate(body) == literal


@given(templates, json_objects)
def test_a_template_evaluates_as_its_pieces_say(template: list[tuple[str, object]], body: object) -> None:
    assert parse_expression(source(template)).evaluate(body) == expected_value([p for _, p in template], body)


@given(templates, templates, json_values)
def test_concatenated_templates_evaluate_to_concatenated_values(
    first: list[tuple[str, object]], second: list[tuple[str, object]], body: object
) -> None:
    frame = json.dumps(body)
    a, b = parse_expression(source(first)), parse_expression(source(second))
    assert parse_expression(a.text + b.text).select(frame) == a.select(frame) + b.select(frame)


@given(st.lists(keys, min_size=1, max_size=4), json_values)
def test_the_bare_and_braced_forms_agree(path: list[str], body: object) -> None:
    bare = parse_expression("$request.body." + ".".join(path))
    assert bare.evaluate(body) == parse_expression(braced(path)).evaluate(body)


GRAMMAR_SOUP = st.text(alphabet="${}\\.requstbodyx -é\n", max_size=30)
PREFIXES = st.sampled_from(["$request.body", "${request.body", "a${request.body", "$r"])
PREFIXED_SOUP = st.tuples(PREFIXES, GRAMMAR_SOUP).map("".join)


@given(st.text() | GRAMMAR_SOUP | PREFIXED_SOUP, json_values)
def test_parsing_arbitrary_text_only_ever_raises_expression_error(text: str, body: object) -> None:
    try:
        expression = parse_expression(text)
    except ExpressionError as error:
        message = str(error)
        assert message.startswith('Route selection expression "')
        assert message.endswith(".")
        assert "\n" not in message
        positions = [int(n) for n in re.findall(r"position (\d+)", message)]
        assert positions or text == ""
        assert all(0 <= n <= len(text) for n in positions)
    else:
        assert expression.text == text
        assert isinstance(expression.evaluate(body), str)


@given(st.binary() | st.text())
def test_select_never_raises_on_arbitrary_frames(frame: str | bytes) -> None:
    for text in ("$request.body.a", "${request.body}", "x${request.body.a.b}y"):
        result = parse_expression(text).select(frame)
        assert result is None or isinstance(result, str)


@given(json_values)
def test_every_json_frame_has_a_key(body: object) -> None:
    expression = parse_expression("${request.body.a}/${request.body}")
    frame = json.dumps(body)
    assert expression.select(frame) is not None
    assert expression.select(frame.encode()) == expression.select(frame)


route_names = st.text(max_size=4) | st.sampled_from(["$connect", "$disconnect", "$default", "join"])


@given(st.none() | route_names, st.sets(route_names))
def test_select_route_picks_the_key_or_default(key: str | None, routes: set[str]) -> None:
    chosen = select_route(key, routes)
    if key in routes and key not in ("$connect", "$disconnect"):
        assert chosen == key
    elif "$default" in routes:
        assert chosen == "$default"
    else:
        assert chosen is None
