"""A cheroot WSGI server served from a daemon thread: the AWS endpoint's and the HTTP API's.

The thread binds, but a bind failure (a busy port) is raised in the caller of
`serve_in_thread`, not lost in the thread. The thread is a daemon and cheroot's workers inherit
the flag, so a process that never stops its server can still exit (as with werkzeug's server).
"""

from concurrent.futures import Future
from threading import Thread

from cheroot import wsgi


def serve_in_thread(server: wsgi.Server, name: str) -> Thread:
    """Bind `server` and serve it from a new daemon thread called `name`, once bound."""
    prepared: Future[None] = Future()
    thread = Thread(target=_serve, args=(server, prepared), name=name, daemon=True)
    thread.start()
    try:
        prepared.result()  # a busy port raises here, in the caller
    except BaseException:
        thread.join()  # already ending: it only reported the failure
        raise
    return thread


def stop_serving(server: wsgi.Server, thread: Thread) -> None:
    """Stop `server` (closes idle connections, cuts off pending reads, joins the workers) and
    wait for its thread."""
    server.stop()
    thread.join()


def _serve(server: wsgi.Server, prepared: Future[None]) -> None:
    try:
        server.prepare()
    except BaseException as error:
        prepared.set_exception(error)
        return
    prepared.set_result(None)
    server.serve()
