"""Momento's public HTTP API endpoint per AWS region (its "cells").

The stack defaults to the cell in its own region so a state machine never crosses regions to
reach its cache. Source: Momento's regions page (https://docs.momentohq.com/platform/regions);
an endpoint is `https://api.cache.<cell>.prod.a.momentohq.com`.
"""

from types import MappingProxyType
from typing import Final

_CELLS: Final = MappingProxyType(
    {
        "us-east-1": "cell-us-east-1-1",
        "us-east-2": "cell-1-us-east-2-1",
        "us-west-2": "cell-4-us-west-2-1",
        "eu-west-1": "cell-1-eu-west-1-1",
        "eu-west-2": "cell-1-eu-west-2-1",
        "eu-central-1": "cell-1-eu-central-1-1",
        "ap-south-1": "cell-1-ap-south-1-1",
        "ap-northeast-1": "cell-ap-northeast-1-1",
        "ap-southeast-1": "cell-1-ap-southeast-1-1",
        "ap-southeast-2": "cell-1-ap-southeast-2-1",
    }
)

MOMENTO_HTTP_ENDPOINTS: Final = MappingProxyType(
    {region: f"https://api.cache.{cell}.prod.a.momentohq.com" for region, cell in _CELLS.items()}
)


def momento_http_endpoint(region: str) -> str:
    """Momento's HTTP endpoint in `region`; a ValueError says how to override it otherwise."""
    try:
        return MOMENTO_HTTP_ENDPOINTS[region]
    except KeyError:
        known = ", ".join(sorted(MOMENTO_HTTP_ENDPOINTS))
        raise ValueError(
            f"momentoEndpoint: no Momento cell known in region {region!r} (known: {known}); "
            "pass it as context: -c momentoEndpoint=https://api.cache.<cell>.prod.a.momentohq.com"
        ) from None
