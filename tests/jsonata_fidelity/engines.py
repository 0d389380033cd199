"""The local engine's answer in the reference engine's terms, and when two answers agree."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from jsonata import jexception

from leaderboard.local.stepfunctions import jsonata_eval


def local_answer(expression: str, bindings: Mapping[str, Any]) -> dict[str, Any]:
    """What the local runtime makes of `expression`: a value, undefined or a failure."""
    try:
        value = jsonata_eval.evaluate(expression, bindings)
    except jsonata_eval.JsonataUndefinedError:
        return {"undefined": True}
    except jsonata_eval.JsonataResultTypeError:
        return {"unsupported": True}
    except jexception.JException as error:
        return {"error": error.error, "message": str(error)}
    except Exception as error:  # a crash outside JSONata is a difference too
        return {"crash": f"{type(error).__name__}: {error}"}
    return {"value": value}


def _canonical(value: Any) -> Any:
    """JSON values as JavaScript sees them: one number type, booleans apart from numbers."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            return ("number", str(number))
        return ("number", 0.0 if number == 0 else number)  # -0 prints as 0 in JSON
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return sorted((key, _canonical(item)) for key, item in value.items())
    raise TypeError(type(value).__name__)


def same(reference: dict[str, Any], local: dict[str, Any]) -> bool:
    """Identical values, or the same kind of no-value (undefined, unsupported, failure)."""
    if "value" in reference and "value" in local:
        return bool(_canonical(reference["value"]) == _canonical(local["value"]))
    kinds = {"undefined", "unsupported", "error"}
    return any(kind in reference and kind in local for kind in kinds)
