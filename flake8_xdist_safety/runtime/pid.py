"""This process's id without a system call.

The probes that keep a ``/proc`` descriptor open (the RSS reading, the child processes) must
notice that they run in a forked child, where ``self`` and the pid in a path mean another
process. Asking ``os.getpid()`` after every test costs a system call each time (about 1 µs in
place, twice a test); an ``os.register_at_fork`` hook keeps this value current instead, in any
child made by ``os.fork()`` (multiprocessing's fork start method, pytest-forked). A child made
by C code that then runs tests would keep the parent's value.
"""
import os
from typing import List

#: Bound at import: a test that patches os.getpid must not change what the probes read.
_getpid = os.getpid

#: ``[pid]``: a list, so that code holding it sees the child's value after a fork.
CURRENT: List[int] = [_getpid()]


def _forked() -> None:
    CURRENT[0] = _getpid()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_forked)
