"""`python -m leaderboard.local.momento_server`: run the local Momento server until Ctrl-C.

Keys: `--api-key` (repeatable), `--api-key-file PATH` (one key per line) or
`--api-key-env NAME` (the variable's name, not its value). Keys are never printed. With no
key configured every key is accepted, including the SDK's empty `for_momento_local` key.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import threading
from pathlib import Path

from leaderboard.local.endpoints import LOCAL_HOST, MOMENTO_GRPC_PORT, MOMENTO_HTTP_PORT
from leaderboard.local.momento_server.server import MomentoServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m leaderboard.local.momento_server")
    parser.add_argument("--host", default=LOCAL_HOST)
    parser.add_argument("--grpc-port", type=int, default=MOMENTO_GRPC_PORT)
    parser.add_argument("--http-port", type=int, default=MOMENTO_HTTP_PORT)
    parser.add_argument("--api-key", action="append", default=[], help="accept this key")
    parser.add_argument("--api-key-file", type=Path, help="accept the keys in this file")
    parser.add_argument("--api-key-env", metavar="NAME", help="accept the key in env var NAME")
    parser.add_argument("--cache", action="append", default=[], help="create this cache")
    return parser


def _keys(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[str]:
    keys: list[str] = list(args.api_key)
    if args.api_key_file is not None:
        try:
            text = args.api_key_file.read_text()
        except OSError as error:
            parser.error(f"--api-key-file: cannot read: {error.strerror}")
        keys += [line.strip() for line in text.splitlines() if line.strip()]
    if args.api_key_env is not None:
        key = os.environ.get(args.api_key_env, "")
        if not key:
            parser.error(f"--api-key-env: variable {args.api_key_env} is unset or empty")
        keys.append(key)
    if any(not key for key in keys):
        parser.error("--api-key: an empty key cannot be configured")
    return keys


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    keys = _keys(args, parser)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with MomentoServer(
        host=args.host,
        grpc_port=args.grpc_port,
        http_port=args.http_port,
        api_keys=keys,
        caches=args.cache,
    ) as server:
        auth = f"{len(keys)} API key(s) required" if keys else "any API key accepted"
        print(f"Momento gRPC  {server.grpc_endpoint}", flush=True)  # noqa: T201
        print(f"Momento HTTP  {server.http_url}", flush=True)  # noqa: T201
        print(f"auth: {auth}; caches: {', '.join(args.cache) or 'none'}", flush=True)  # noqa: T201
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


if __name__ == "__main__":
    main()
