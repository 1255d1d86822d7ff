"""Run a pure computation with a deadline, in a forked child that can be stopped.

Python cannot interrupt a regular expression or a parser stuck in a thread, but it can
kill a process. For work whose cost a writer can inflate (rendering a long Markdown text:
Python-Markdown has slow paths on pathological input), `within()` forks, lets the child
compute, and kills it when the deadline passes. The child shares the parent's memory as
it was at the fork (nothing is imported again) and touches no database or socket; it
exits without running the parent's clean-up handlers.

Forking copies the locks other threads of the parent hold at that moment. The site's
gunicorn workers are single-threaded (sync workers, see deploy/), so none are held; in a
threaded server (runserver, the browser tests' live server) the worst case is a child that
never answers, which the deadline turns into the caller's fallback, never a hang.
"""

import logging
import multiprocessing
import os

logger = logging.getLogger(__name__)
_fork = multiprocessing.get_context("fork")


class DeadlinePassed(Exception):
    pass


def _child(connection, function, args):
    try:
        connection.send((True, function(*args)))
    except BaseException as error:
        connection.send((False, error))
    finally:
        connection.close()
        os._exit(0)


def within(seconds, function, *args):
    """`function(*args)`, computed in a child process; DeadlinePassed if it takes longer."""
    receiver, sender = _fork.Pipe(duplex=False)
    child = _fork.Process(target=_child, args=(sender, function, args), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            child.kill()
            raise DeadlinePassed(f"{getattr(function, '__name__', function)} took over {seconds} s")
        try:
            succeeded, value = receiver.recv()
        except EOFError as error:  # the child died without an answer (killed, out of memory)
            raise DeadlinePassed(f"{getattr(function, '__name__', function)} gave no answer") from error
    finally:
        receiver.close()
        child.join()
    if not succeeded:
        raise value
    return value
