"""The local HTTP door's contract suite, run unchanged against the bridge handler.

The fixtures in this package's conftest bind `sorted_set_http` to function-URL events for the
bridge, whose SDK talks to the local server's gRPC door: both implementations must answer
every route, hit, miss and error identically.
"""

from tests.momento_server.test_http_contract import *  # noqa: F403
