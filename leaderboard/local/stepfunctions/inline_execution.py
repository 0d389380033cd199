"""Run states and programs in the caller's thread when there is no time limit to enforce.

moto starts a thread for every program (the machine and each Parallel branch) and for every
Task, Parallel and Map state, only to stop waiting for it when its timeout passes. Without a
``TimeoutSeconds`` there is nothing to wait out: moto's default is 99,999,999 s, about three
years. A thread start and the hand-offs around it cost more than the Pass and Choice states
of a whole execution, so such work runs inline here, with the same frames, events, outputs
and errors as moto's threaded path. Work with a real time limit keeps moto's thread, unless
its state enforces the limit itself (the HTTP Task bounds its own call by the state's deadline
and calls ``evaluate_in_caller_thread``).

Parallel branches keep their threads (their HTTP calls overlap), but moto names each thread
after the branch program's ``repr``, a walk of its whole component tree on every execution;
here the thread is named after the branch's first state.
"""

import threading
from typing import Any

from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSeconds
from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent
from moto.stepfunctions.parser.asl.component.program.program import Program
from moto.stepfunctions.parser.asl.component.state.exec.execute_state import ExecutionState
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branch_worker import (
    BranchWorker,
)

from leaderboard.local.patching import replace_attribute
from leaderboard.local.stepfunctions import json_clone

_stock_program_eval = Program.eval
_stock_evaluate_with_timeout = ExecutionState._evaluate_with_timeout


def _program_eval(self: Program, env: Any) -> None:
    """Replacement for ``Program.eval``: moto's thread only when the program has a timeout."""
    if self.timeout_seconds is not None:
        _stock_program_eval(self, env)
        return
    env.next_state_name = self.start_at.start_at_name
    EvalComponent.eval(self, env)


def has_time_limit(state: ExecutionState) -> bool:
    """False only for a static timeout left at moto's no-limit default (heartbeats imply 60 s)."""
    timeout = state.timeout
    return not (
        isinstance(timeout, TimeoutSeconds)
        and timeout.timeout_seconds == TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS
    )


def evaluate_in_caller_thread(state: ExecutionState, env: Any) -> None:
    """moto's ``_evaluate_with_timeout`` minus the thread: nothing here stops at the timeout."""
    state.timeout.eval(env=env)
    env.stack.pop()  # the limit, if any, is the caller's to enforce
    frame = env.open_frame()
    frame.states.reset(input_value=env.states.get_input())
    frame.stack = json_clone.deepcopy(env.stack)
    try:
        state._eval_execution(frame)
        execution_output = frame.stack[-1]
    finally:
        frame.set_ended()
        env.close_frame(frame)

    env.stack.append(execution_output)
    if not state._is_language_query_jsonpath():
        env.states.set_result(execution_output)
    if state.assign_decl:
        state.assign_decl.eval(env=env)
    if state.result_selector:
        state.result_selector.eval(env=env)
    if state.result_path:
        state.result_path.eval(env)
    else:
        env.states.reset(input_value=env.stack.pop())


def _evaluate_with_timeout(self: ExecutionState, env: Any) -> None:
    """Replacement for ``ExecutionState._evaluate_with_timeout``: a thread only for a limit."""
    if has_time_limit(self):
        _stock_evaluate_with_timeout(self, env)
    else:
        evaluate_in_caller_thread(self, env)


def _start_branch_worker(self: BranchWorker) -> None:
    """Replacement for ``BranchWorker.start``: the same daemon thread, cheaply named."""
    if self._worker_thread is not None:
        raise RuntimeError("Attempted to rerun a BranchWorker")
    self._worker_thread = threading.Thread(
        target=self._thread_routine,
        name=f"BranchWorker-{self._program.start_at.start_at_name}",
        daemon=True,
    )
    self._worker_thread.start()


def install() -> None:
    """Run untimed programs and execution states in the caller's thread."""
    replace_attribute(Program, "eval", _program_eval)
    replace_attribute(BranchWorker, "start", _start_branch_worker)
    replace_attribute(ExecutionState, "_evaluate_with_timeout", _evaluate_with_timeout)
