"""Parsing of the sorted-set routes' query parameters and JSON bodies (docs/momento-http.md).

The local server's HTTP door and the bridge Lambda both read requests with this module, so they
accept the same requests and answer the same 400s. Every problem raises `BadRequestError` with a
message that starts with the field's name, and nothing behind the server is called.

The query string addresses and shapes a call (key, one member, order, ranks, paging, TTL): AWS
documents an HTTP Task's `QueryParameters` only as strings. Scores and lists of members go in
a JSON body (`Body`), which carries arrays and float64 numbers exactly.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import math
import operator
import re
from collections.abc import Collection, Mapping
from typing import Any, Final

from multidict import MultiMapping

from leaderboard.momento_contract.arguments import (
    MAX_ELEMENT_VALUE_BYTES,
    MAX_TTL_SECONDS,
    CollectionTtl,
    Order,
    ScoreBound,
)

MAX_SORTED_SET_BODY_BYTES: Final = 1024 * 1024
MAX_ELEMENTS_PER_PUT: Final = 10_000
MAX_VALUES_PER_REQUEST: Final = 1_000
# The deepest JSON a request may hold: elements are three levels deep, fault rules one.
MAX_JSON_DEPTH: Final = 32
# A JSON string, escapes included. The closing quote is optional so that a match never fails
# once started: an unterminated string costs one pass, not one per quote after it.
_JSON_STRING: Final = re.compile(rb'"(?:[^"\\]|\\.)*"?', re.DOTALL)
_NOT_BRACKETS: Final = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKET_STEPS: Final = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")  # minus 1: +1 / -1

# ASCII only (`re.ASCII`, and `[0-9]` rather than `\d`): Python's int() also takes
# other scripts' digits, superscripts fail inside them, and `_` separators pass.
_INTEGER: Final = re.compile(r"-?[0-9]+", re.ASCII)
# Digits enough for any int64: a longer integer is out of every range without converting it.
_MAX_INTEGER_DIGITS: Final = 19


_NOTHING_MOVED: Final[Mapping[str, str]] = {}


class BadRequestError(Exception):
    """Invalid input; `str(error)` is `"<field>: <problem>"`."""


class Query:
    """The query string of one request, read field by field; `finish` rejects leftovers."""

    def __init__(
        self,
        params: MultiMapping[str],
        allowed: Collection[str],
        moved: Mapping[str, str] = _NOTHING_MOVED,
    ) -> None:
        """`moved` names parameters that belong elsewhere now, with where they go instead."""
        for name in params:
            if name not in allowed:
                where = moved.get(name)
                raise BadRequestError(f"{name}: {where or 'unknown parameter'}")
        self._params = params

    def one(self, name: str) -> str | None:
        values = self._params.getall(name, [])
        if len(values) > 1:
            raise BadRequestError(f"{name}: given more than once")
        return values[0] if values else None

    def key(self) -> bytes:
        """`key` (UTF-8) or `key_base64`: exactly one."""
        return self._bytes("key", required=True) or b""

    def value(self) -> bytes:
        """`value` or `value_base64`: exactly one."""
        return self._bytes("value", required=True) or b""

    def ttl_seconds(self) -> int:
        raw = self.one("ttl_seconds")
        if raw is None:
            raise BadRequestError("ttl_seconds: is required")
        ttl = _integer(raw)
        if ttl is None or not 0 < ttl <= MAX_TTL_SECONDS:
            raise BadRequestError(f"ttl_seconds: must be a positive integer <= {MAX_TTL_SECONDS}")
        return ttl

    def collection_ttl(self) -> CollectionTtl:
        ttl = self.ttl_seconds()
        return CollectionTtl(ttl, refresh=self.boolean("refresh_ttl", default=True))

    def boolean(self, name: str, *, default: bool) -> bool:
        raw = self.one(name)
        if raw is None:
            return default
        if raw not in ("true", "false"):
            raise BadRequestError(f"{name}: must be true or false")
        return raw == "true"

    def order(self) -> Order:
        raw = self.one("order")
        if raw is None:
            return Order.ASC
        if raw not in ("ASC", "DESC"):
            raise BadRequestError("order: must be ASC or DESC")
        return Order(raw)

    def integer(self, name: str, low: int, high: int) -> int | None:
        """An integer within [low, high] (the range of its wire type), or None if absent."""
        raw = self.one(name)
        if raw is None:
            return None
        integer = _integer(raw)
        if integer is None or not low <= integer <= high:
            raise BadRequestError(f"{name}: must be an integer from {low} to {high}")
        return integer

    def _bytes(self, name: str, *, required: bool) -> bytes | None:
        plain, encoded = self.one(name), self.one(f"{name}_base64")
        if plain is not None and encoded is not None:
            raise BadRequestError(f"{name}: give {name} or {name}_base64, not both")
        if plain is not None:
            return _utf8(plain, name)
        if encoded is not None:
            return _base64(encoded, f"{name}_base64")
        if required:
            raise BadRequestError(f"{name}: {name} or {name}_base64 is required")
        return None


def _integer(raw: str) -> int | None:
    """ASCII digits with an optional single leading '-'; None for any other text, and for one
    too long for any range the routes take (so it is never converted)."""
    if not _INTEGER.fullmatch(raw) or len(raw.lstrip("-")) > _MAX_INTEGER_DIGITS:
        return None
    return int(raw)


def _utf8(raw: str, name: str) -> bytes:
    if not raw:
        raise BadRequestError(f"{name}: must not be empty")
    try:
        return raw.encode()
    except UnicodeEncodeError:  # a lone surrogate, from a JSON escape such as "\ud800"
        raise BadRequestError(f"{name}: must be valid Unicode text") from None


def _base64(raw: str, name: str) -> bytes:
    try:
        decoded = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequestError(f"{name}: not valid base64") from None
    if not decoded:
        raise BadRequestError(f"{name}: must not be empty")
    return decoded


def _reject_constant(constant: str) -> float:
    raise BadRequestError(f"body: {constant} is not a JSON number")


def parse_json(body: bytes) -> Any:
    """Strict JSON: no NaN/Infinity literals, UTF-8 only, at most `MAX_JSON_DEPTH` deep."""
    if _depth(body) > MAX_JSON_DEPTH:  # before parsing: the parser recurses once per level
        raise BadRequestError(f"body: nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as error:
        if isinstance(error, BadRequestError):
            raise
        raise BadRequestError("body: not valid JSON") from None


def _depth(body: bytes) -> int:
    """The deepest nesting of brackets outside strings: at least what the parser would meet.
    Linear in the body: strings go in one pass, then a running sum over the brackets left."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    steps = map(operator.sub, brackets.translate(_BRACKET_STEPS), itertools.repeat(1))
    return max(itertools.accumulate(steps), default=0)


def _json_object(body: bytes, allowed: Collection[str]) -> dict[str, Any]:
    """A JSON object body of at most `MAX_SORTED_SET_BODY_BYTES`, holding only `allowed` fields."""
    if len(body) > MAX_SORTED_SET_BODY_BYTES:
        raise BadRequestError(f"body: must be at most {MAX_SORTED_SET_BODY_BYTES} bytes")
    document = parse_json(body)
    if not isinstance(document, dict):
        raise BadRequestError("body: must be a JSON object")
    for name in document:
        if name not in allowed:
            raise BadRequestError(f"{name}: unknown field")
    return document


def parse_elements(body: bytes) -> list[tuple[bytes, float]]:
    """`{"elements": [{"value": "a", "score": 1.5}, ...]}` (or `value_base64`)."""
    raw_elements = _json_object(body, ("elements",)).get("elements")
    if not isinstance(raw_elements, list) or not raw_elements:
        raise BadRequestError("elements: must be a non-empty array")
    if len(raw_elements) > MAX_ELEMENTS_PER_PUT:
        raise BadRequestError(f"elements: at most {MAX_ELEMENTS_PER_PUT} elements per request")
    return [_element(raw, f"elements[{i}]") for i, raw in enumerate(raw_elements)]


class Body:
    """The JSON object body of a route that takes scores or lists of members, read field by
    field. No body at all reads as `{}`; unknown fields are refused up front."""

    def __init__(self, body: bytes, allowed: Collection[str]) -> None:
        self._document = _json_object(body, allowed) if body else {}

    def number(self, name: str) -> float | None:
        """A finite JSON number (float64), or None if absent."""
        if name not in self._document:
            return None
        raw = self._document[name]
        if raw is None:  # present, so not "is required": null is not a number
            raise BadRequestError(f"{name}: must be a number")
        return _score(raw, name)

    def boolean(self, name: str, *, default: bool) -> bool:
        raw = self._document.get(name, default)
        if not isinstance(raw, bool):
            raise BadRequestError(f"{name}: must be true or false")
        return raw

    def score_bound(self, name: str) -> ScoreBound | None:
        """`<name>` plus its `<name>_exclusive` flag (default false)."""
        score = self.number(name)
        exclusive = self.boolean(f"{name}_exclusive", default=False)
        if score is None:
            if exclusive:
                raise BadRequestError(f"{name}_exclusive: needs {name}")
            return None
        return ScoreBound(score, exclusive)

    def values(self) -> list[bytes]:
        """`values` (UTF-8 strings) then `values_base64`: 1 to `MAX_VALUES_PER_REQUEST` in all,
        answered in this order."""
        texts, encoded = self._strings("values"), self._strings("values_base64")
        if not texts and not encoded:
            raise BadRequestError("values: at least one of values or values_base64 is required")
        if len(texts) + len(encoded) > MAX_VALUES_PER_REQUEST:
            raise BadRequestError(f"values: at most {MAX_VALUES_PER_REQUEST} values per request")
        found = [_member(_utf8(raw, f"values[{i}]"), f"values[{i}]") for i, raw in enumerate(texts)]
        for i, raw in enumerate(encoded):
            where = f"values_base64[{i}]"
            found.append(_member(_base64(raw, where), where))
        return found

    def _strings(self, name: str) -> list[str]:
        raw = self._document.get(name, [])
        if not isinstance(raw, list):
            raise BadRequestError(f"{name}: must be an array of strings")
        for index, item in enumerate(raw):
            if not isinstance(item, str):
                raise BadRequestError(f"{name}[{index}]: must be a string")
        return raw


def _member(value: bytes, where: str) -> bytes:
    if len(value) > MAX_ELEMENT_VALUE_BYTES:
        raise BadRequestError(f"{where}: must be at most {MAX_ELEMENT_VALUE_BYTES} bytes")
    return value


def _element(raw: Any, where: str) -> tuple[bytes, float]:
    if not isinstance(raw, dict):
        raise BadRequestError(f"{where}: must be an object with value and score")
    for name in raw:
        if name not in ("value", "value_base64", "score"):
            raise BadRequestError(f"{where}.{name}: unknown field")
    if ("value" in raw) == ("value_base64" in raw):
        raise BadRequestError(f"{where}.value: give value or value_base64, exactly one")
    if "value" in raw:
        if not isinstance(raw["value"], str):
            raise BadRequestError(f"{where}.value: must be a string")
        value = _utf8(raw["value"], f"{where}.value")
    else:
        if not isinstance(raw["value_base64"], str):
            raise BadRequestError(f"{where}.value_base64: must be a string")
        value = _base64(raw["value_base64"], f"{where}.value_base64")
    return value, _score(raw.get("score"), f"{where}.score")


def _score(raw: Any, where: str) -> float:
    if raw is None:
        raise BadRequestError(f"{where}: is required")
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise BadRequestError(f"{where}: must be a number")
    try:
        score = float(raw)
    except OverflowError:
        raise BadRequestError(f"{where}: must be a finite number") from None
    if not math.isfinite(score):
        raise BadRequestError(f"{where}: must be a finite number")
    return score


def value_json(value: bytes) -> dict[str, str]:
    """`{"value": ...}`, or `{"value_base64": ...}` for a value that is not UTF-8 text."""
    try:
        return {"value": value.decode()}
    except UnicodeDecodeError:
        return {"value_base64": base64.b64encode(value).decode()}


def element_json(value: bytes, score: float | None) -> dict[str, Any]:
    return {**value_json(value), "score": score}
