"""Standard output for a run that writes files, which must never stop half-way because the
reader of its output went away."""
import io
import os
import sys
from typing import Optional, TextIO


class GuardedOutput(io.TextIOBase):
    """Standard output for a run that writes files: a reader that went away (``fix . | head -1``) or a
    closed stream never stops the run half-way; the lines that could not be printed are counted."""

    def __init__(self, stream: Optional[TextIO]) -> None:
        super().__init__()
        self.stream = stream
        self.lost = 0

    def write(self, text: str) -> int:
        if self.stream is not None:
            try:
                self.stream.write(text)
                if text.endswith("\n"):
                    self.stream.flush()  # one line at a time: a closed pipe is noticed at the next one
                return len(text)
            except (OSError, ValueError):  # BrokenPipeError; ValueError: the stream was closed
                if self.stream is sys.stdout:
                    silence_stdout()
                self.stream = None
        self.lost += text.count("\n")
        return len(text)


def silence_stdout() -> None:
    """Make sure the interpreter's own flush of standard output at exit does not fail again on a pipe
    whose reader has gone."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
