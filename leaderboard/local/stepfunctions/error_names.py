"""Let reserved ``States.*`` error names travel where moto only allows custom names.

moto wraps error names in ``CustomErrorName``, which refuses the ``States.`` prefix. That
breaks two things AWS does: definitions that name ``States.Http.StatusCode.<code>`` in
Retry/Catch, and a Parallel state re-raising a branch's ``States.*`` error (moto turns e.g.
``States.QueryEvaluationError`` into ``States.Runtime``). The cost: an unknown
``States.Foo`` in ErrorEquals is accepted locally, where AWS rejects the definition.
"""

from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import (
    CustomErrorName,
)
from moto.stepfunctions.parser.asl.component.common.error_name.error_name import ErrorName

from leaderboard.local.patching import replace_attribute


def _accept_any_name(self: CustomErrorName, error_name: str | None) -> None:
    ErrorName.__init__(self, error_name=error_name)


def install() -> None:
    """Drop the prefix check from ``CustomErrorName``."""
    replace_attribute(CustomErrorName, "__init__", _accept_any_name)
