"""One command at a time on a results folder: an ``fcntl.flock`` on a file inside it.

``acquire(folder)`` takes an exclusive, non-blocking ``flock`` on ``folder/.alliancesim.lock``
and writes the holder into it (PID, host, start time, command). A second command on the
same folder fails at once with ``FolderBusy``, naming that holder. The kernel drops the
lock when its last file descriptor closes, so a killed holder (even by SIGKILL) leaves no
lock behind, only its holder record: the next command takes the folder over and says so.
A clean ``release`` empties the file first, so a record found on acquiring always means
the previous holder ended without releasing.

The lock file is never deleted (deleting a locked file lets two processes lock two
different files of the same name). Its descriptor can be handed to a child process or
kept across ``os.execve`` (``os.set_inheritable``): the lock lasts while any copy is open.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sim.runs.files import UMASK, ResultsError

LOCK_FILE = ".alliancesim.lock"
STARTED_FORMAT = "%Y-%m-%d %H:%M:%S %z"  # the holder's start, local time with its UTC offset


class FolderBusy(ResultsError):
    """Another command holds the results folder's lock."""


@dataclass
class Lock:
    """A held lock on a results folder.

    Attributes:
        folder: The locked folder.
        fd: The lock file's descriptor (the lock lasts while it, or a copy, is open).
        notes: One-line warnings for the user: a lock taken over from a holder that ended
            without releasing it, or a folder that cannot be locked.
    """

    folder: Path
    fd: int
    notes: list[str] = field(default_factory=list)


def holder_text(holder: dict[str, Any] | None) -> str:
    """A holder record: ``PID 12 on host h, started 2026-01-01 10:00:00, running '...'``."""
    if not holder:
        return "a process that has not yet written its name"
    command = " ".join(str(holder.get("command", "")).split())
    command = command if len(command) <= 80 else command[:77] + "..."
    text = f"PID {holder.get('pid', '?')} on host {holder.get('host', '?')}"
    text += f", started {holder.get('started', '?')}"
    return text + (f", running {command!r}" if command else "")


def read_holder(fd: int) -> dict[str, Any] | None:
    """The holder record in the lock file (None if empty or unreadable)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = os.read(fd, 1 << 16)
        record = json.loads(data.decode("utf-8")) if data.strip() else None
    except (OSError, ValueError):
        return {"pid": "?", "host": "?", "started": "?", "command": "(unreadable record)"}
    return record if isinstance(record, dict) else None


def holder_started(folder: Path) -> datetime | None:
    """When the command holding (or last holding) ``folder``'s lock started, if recorded.

    Read from the lock file's holder record (``write_holder``), not through the lock: a
    sweep's worker processes read their command's start this way (``sim.runs.progress``).
    None if there is no record, or it is unreadable.
    """
    try:
        record = json.loads((folder / LOCK_FILE).read_text(encoding="utf-8"))
        return datetime.strptime(record["started"], STARTED_FORMAT)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def busy(folder: Path) -> str | None:
    """The holder of ``folder``'s lock if another live command holds it, else None.

    Reason: a reader (``alliancesim-report``) may look at results a sweep is still writing,
    and must say so. Read-only: the lock file is not made where it is missing, and a shared
    lock taken to test is released at once.
    """
    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return holder_text(read_holder(fd))
        return None
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def write_holder(fd: int, command: str) -> None:
    """Replace the lock file's content with this process as holder."""
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": time.strftime(STARTED_FORMAT),
        "command": command,
    }
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, (json.dumps(record) + "\n").encode("utf-8"))


def acquire(folder: Path, command: str = "alliancesim") -> Lock:
    """Lock ``folder`` (made if missing) for this command.

    Args:
        folder: A sweep folder or a single run's folder.
        command: The command line, recorded for whoever finds the folder locked.

    Returns:
        The held lock; its ``notes`` say whether it was taken over.

    Raises:
        FolderBusy: Another live process holds the lock (named in the message).
        OSError: The folder or its lock file cannot be made.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666 & ~UMASK)
    lock = Lock(folder, fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            lock.notes.append(
                f"results folder {str(folder)!r} cannot be locked ({error.strerror}); do not "
                "run two commands on it at once"
            )
            return lock
        holder = read_holder(fd)
        os.close(fd)
        raise FolderBusy(
            f"results folder {str(folder)!r} is in use by another alliancesim command "
            f"({holder_text(holder)}); allowed: wait until it ends, or a different output "
            "folder (hydra.sweep.dir / hydra.run.dir)"
        ) from None
    previous = read_holder(fd)
    if previous:
        lock.notes.append(
            f"took over the lock on {str(folder)!r} from {holder_text(previous)}, which ended "
            "without releasing it (killed?); its unfinished runs are redone"
        )
    try:
        write_holder(fd, command)
    except OSError:  # a full disk: the lock holds all the same, unnamed
        pass
    return lock


def release(fd: int | None) -> None:
    """Release a lock held through ``fd`` (its record emptied first); None does nothing."""
    if fd is None:
        return
    try:
        os.ftruncate(fd, 0)
    except OSError:
        pass
    try:
        os.close(fd)
    except OSError:
        pass
