"""moto's per-request routing, answered from memory instead of recomputed on every request.

For every request moto's server (1) lists moto's package directory (about 150 ``isdir``
calls) and then tries a few hundred URL regexes to find the service behind the ``Host``
header, all while holding the dispatcher's global lock, and (2) lists the response class's
methods with ``inspect.getmembers`` to check that the action exists. Both answers are fixed
once moto is imported and the extensions are installed (the package directory does not
change, URL patterns and response methods are added only by ``moto_extensions.install``), so
each is computed once. Together they were about a third of the server's time per request.

Then, (3) moto writes the request id into every response body with a look-behind regex
that tries each character of the body: for a large JSON body (a state machine's definition,
an execution's history), where it can never match, that was up to a sixth of the request.
It now runs only on a body that holds the XML element it rewrites.
"""

import functools
import re
from collections.abc import Callable
from typing import Any, Final

from moto import backends
from moto.core import responses, utils
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.utilities.aws_headers import gen_amzn_requestid_long

from leaderboard.local.patching import replace_attribute

_HOST_CACHE_SIZE: Final = 1024  # distinct Host headers: one per endpoint and service name
_stock_moto_modules: Final[Callable[[], Any]] = backends.list_of_moto_modules
_stock_method_names: Final[Callable[[type], list[str]]] = utils.method_names_from_class
_stock_backend_for_host: Final = DomainDispatcherApplication.get_backend_for_host
_XML_REQUEST_ID: Final = "<RequestId>"
_REQUEST_ID_TEXT: Final = re.compile(r"(?<=<RequestId>).*(?=<\/RequestId>)")


@functools.cache
def _moto_modules() -> tuple[str, ...]:
    return tuple(_stock_moto_modules())


@functools.cache
def _method_names(response_class: type) -> tuple[str, ...]:
    # Keyed by class: the same class always has the same methods once extensions are in.
    return tuple(_stock_method_names(response_class))


@functools.lru_cache(maxsize=_HOST_CACHE_SIZE)
def _backend_for_host(dispatcher: DomainDispatcherApplication, host: str | None) -> Any:
    return _stock_backend_for_host(dispatcher, host)


def _memoized_backend_for_host(self: DomainDispatcherApplication, host: str | None) -> Any:
    """Replacement for ``get_backend_for_host``: same answer, computed once per host."""
    return _backend_for_host(self, host)


def _enrich_response(headers: dict[str, Any], body: Any) -> tuple[dict[str, Any], Any]:
    """Replacement for ``BaseResponse._enrich_response``: the same headers and body."""
    if "status" in headers:
        headers["status"] = str(headers["status"])
    request_id = gen_amzn_requestid_long(headers)
    if isinstance(body, str) and _XML_REQUEST_ID in body:
        body = _REQUEST_ID_TEXT.sub(request_id, body)
    return headers, body


def install() -> None:
    """Memoize moto's routing lookups; call after every extension that adds URL patterns."""
    replace_attribute(backends, "list_of_moto_modules", _moto_modules)
    replace_attribute(responses, "method_names_from_class", _method_names)
    replace_attribute(responses.BaseResponse, "_enrich_response", staticmethod(_enrich_response))
    replace_attribute(
        DomainDispatcherApplication, "get_backend_for_host", _memoized_backend_for_host
    )
