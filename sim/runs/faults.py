"""Faults that stop a command: results that cannot be written (disk full, permission, gone).

A model error fails one run, which is recorded, and the sweep goes on. A failure to write
results is different: the next run would fail the same way. ``WriteFault`` carries it, as
one line naming the file, the problem and what to do, to the launch process, which stops,
brings the manifest up to date for what finished, and exits with status 1; the same
command later resumes.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

# errno -> (what happened, what to do about it)
PROBLEMS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("disk full", "free some space"),
    errno.EDQUOT: ("disk quota exceeded", "free some space or raise the quota"),
    errno.EACCES: ("permission denied", "make the folder writable"),
    errno.EPERM: ("permission denied", "make the folder writable"),
    errno.EROFS: ("read-only file system", "make the folder writable"),
    errno.ENOENT: ("the folder vanished", "leave the results folder in place"),
    errno.ENOTDIR: ("the folder vanished", "leave the results folder in place"),
}


class WriteFault(Exception):
    """Results could not be written; the command stops (exit status 1) and can resume.

    Args:
        message: One line: what could not be written, and why.
        advice: What to do before running the same command again.
    """

    def __init__(self, message: str, advice: str = "fix the problem") -> None:
        super().__init__(message, advice)
        self.message = message
        self.advice = advice

    def __str__(self) -> str:
        return self.message

    @classmethod
    def from_error(cls, error: OSError, where: Path | str | None = None) -> WriteFault:
        """The fault for an ``OSError`` raised while writing ``where`` (or its filename).

        Args:
            error: The error (pyarrow's carry their errno only in the message).
            where: The file or folder being written, when the error does not name it.
        """
        number = error_number(error)
        what, advice = PROBLEMS.get(number or -1, ("could not write", "fix the problem"))
        path = error.filename if isinstance(error.filename, str) else where
        detail = f"[Errno {number}] {os.strerror(number)}" if number else brief(error)
        target = f" {path}" if path is not None else ""
        return cls(f"could not write{target}: {what} ({detail})", advice)


def error_number(error: OSError) -> int | None:
    """The errno of an ``OSError``, also when only its message names it (pyarrow)."""
    if error.errno:
        return int(error.errno)
    found = re.search(r"errno (\d+)", str(error), re.IGNORECASE)
    return int(found.group(1)) if found else None


def brief(error: BaseException, limit: int = 160) -> str:
    """An error's message on one line, cut at ``limit`` characters."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
