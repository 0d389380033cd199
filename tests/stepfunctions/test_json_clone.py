"""moto's copies of execution data go through ``json_clone`` and stay independent."""

import ast
import datetime
import importlib
import inspect
from collections import OrderedDict
from typing import Any

from moto.stepfunctions.parser.asl.eval.program_state import ProgramRunning
from moto.stepfunctions.parser.asl.eval.states import States

from leaderboard.local import moto_extensions
from leaderboard.local.stepfunctions import json_clone


def test_json_values_are_rebuilt_all_the_way_down() -> None:
    original: dict[str, Any] = {"a": [1, {"b": [2.5, None, True]}], "c": {"d": "text"}}
    clone = json_clone.deepcopy(original)
    assert clone == original
    clone["a"][1]["b"].append("added")
    clone["c"]["d"] = "changed"
    assert original == {"a": [1, {"b": [2.5, None, True]}], "c": {"d": "text"}}


def test_other_values_are_copied_by_copy_deepcopy() -> None:
    inner = [1]
    ordered = OrderedDict(key=inner)
    clone = json_clone.deepcopy({"ordered": ordered, "pair": (inner, 2)})
    assert type(clone["ordered"]) is OrderedDict
    clone["ordered"]["key"].append(2)
    clone["pair"][0].append(3)
    assert inner == [1]
    moment = datetime.datetime(2026, 11, 22, tzinfo=datetime.UTC)
    assert json_clone.deepcopy([moment])[0] is moment  # immutable, so shared


def test_program_states_are_copied_independently() -> None:
    running = ProgramRunning()  # type: ignore[no-untyped-call]
    running.next_state_name = "First"
    clone = json_clone.deepcopy(running)
    clone.next_state_name = "Second"
    assert (running.next_state_name, clone.next_state_name) == ("First", "Second")


def test_a_state_never_sees_another_state_mutate_its_data() -> None:
    moto_extensions.install()
    states = States(context={"Execution": {"Input": {}}, "StateMachine": {}})  # type: ignore[typeddict-item]
    output = {"items": [{"n": 1}]}
    states.reset(input_value=output)
    output["items"][0]["n"] = 2  # the previous state keeps writing to its output
    read = states.get_input()
    read["items"].append({"n": 3})  # and a reader changes what it read
    assert states.get_input() == {"items": [{"n": 1}]}


def test_patched_moto_modules_use_nothing_else_from_copy() -> None:
    """The stand-in only has ``deepcopy``: an upgrade calling ``copy.copy`` fails here first."""
    moto_extensions.install()
    for name in json_clone.COPYING_MODULES:
        module = importlib.import_module(name)
        assert module.copy is json_clone
        used = {
            node.attr
            for node in ast.walk(ast.parse(inspect.getsource(module)))
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "copy"
        }
        assert used == {"deepcopy"}, name
