"""``Transform.RequestBodyEncoding: URL_ENCODED`` for the HTTP Task, with AWS's array formats.

For ``{"a": ["x", "y"]}``: BRACKETS ``a[]=x&a[]=y``, COMMAS ``a=x,y``,
INDICES ``a[0]=x&a[1]=y`` (the default here), REPEAT ``a=x&a=y``.
Nested objects become ``outer[inner]=value``.
"""

import json
import urllib.parse
from collections.abc import Mapping
from typing import Any, Final

ARRAY_FORMATS: Final = frozenset({"BRACKETS", "COMMAS", "INDICES", "REPEAT"})


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def _pairs(key: str, value: Any, array_format: str) -> list[tuple[str, str]]:
    if isinstance(value, Mapping):
        return [
            pair
            for name, item in value.items()
            for pair in _pairs(f"{key}[{name}]", item, array_format)
        ]
    if not isinstance(value, list):
        return [(key, _scalar(value))]
    if array_format == "COMMAS":
        return [(key, ",".join(_scalar(item) for item in value))]
    pairs: list[tuple[str, str]] = []
    for index, item in enumerate(value):
        name = {"BRACKETS": f"{key}[]", "INDICES": f"{key}[{index}]", "REPEAT": key}[array_format]
        pairs.extend(_pairs(name, item, array_format))
    return pairs


def url_encode(body: Mapping[str, Any], array_format: str = "INDICES") -> str:
    """Form-encode a JSON object; ValueError names a bad ArrayFormat."""
    if array_format not in ARRAY_FORMATS:
        raise ValueError(
            f"RequestEncodingOptions.ArrayFormat: must be one of {sorted(ARRAY_FORMATS)}, "
            f"got {array_format!r}"
        )
    pairs = [pair for key, value in body.items() for pair in _pairs(str(key), value, array_format)]
    return urllib.parse.urlencode(pairs)
