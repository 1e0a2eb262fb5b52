"""One command at a time on a results folder; a killed holder's lock is taken over."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.runs.launch import Handoff
from sim.runs.lock import LOCK_FILE, FolderBusy, acquire, release
from tests.runs.conftest import SMALL, alliancesim_here

SCRIPT = Path(sys.executable).with_name("alliancesim")
HOLD = (
    "import sys, time; from pathlib import Path; from sim.runs.lock import acquire; "
    "acquire(Path(sys.argv[1]), 'alliancesim -m holding'); print('held', flush=True); "
    "time.sleep(120)"
)


def holder_of(folder: Path) -> dict | None:
    text = (folder / LOCK_FILE).read_text() if (folder / LOCK_FILE).exists() else ""
    return json.loads(text) if text.strip() else None


def wait_until(condition, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, "the process ended early"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_lock_names_its_holder_and_is_released_empty(tmp_path):
    lock = acquire(tmp_path / "s", "alliancesim -m x=1,2")
    assert lock.notes == []
    holder = holder_of(tmp_path / "s")
    assert holder["pid"] == os.getpid() and holder["host"] == socket.gethostname()
    assert holder["command"] == "alliancesim -m x=1,2" and holder["started"]
    with pytest.raises(FolderBusy) as busy:  # another open file: another command
        acquire(tmp_path / "s")
    message = str(busy.value)
    assert f"PID {os.getpid()} on host {socket.gethostname()}, started " in message
    assert "running 'alliancesim -m x=1,2'" in message and "\n" not in message
    release(lock.fd)
    assert (tmp_path / "s" / LOCK_FILE).read_text() == ""  # released cleanly: no record
    again = acquire(tmp_path / "s")
    assert again.notes == []
    release(again.fd)


def test_a_killed_holders_lock_is_taken_over_with_a_warning(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "s")], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    with pytest.raises(FolderBusy, match=f"PID {holder.pid} on host"):
        acquire(tmp_path / "s")
    holder.send_signal(signal.SIGKILL)  # no chance to release anything
    holder.wait()
    lock = acquire(tmp_path / "s")
    [note] = lock.notes
    assert note.startswith(f"took over the lock on '{tmp_path / 's'}' from PID {holder.pid} ")
    assert "running 'alliancesim -m holding', which ended without releasing it" in note
    assert holder_of(tmp_path / "s")["pid"] == os.getpid()
    release(lock.fd)


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
@pytest.mark.skipif(not SCRIPT.exists(), reason="needs the console script")
def test_two_commands_on_one_folder_the_second_exits_2_naming_the_first(
    tmp_path, capsys, monkeypatch
):
    folder = tmp_path / "one"
    long = [*SMALL, "world.n_startups=3000", "steps=400", "replicates=4", "hydra.run.dir=one"]
    first = subprocess.Popen(
        [str(SCRIPT), *long],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until(lambda: (holder_of(folder) or {}).get("pid") == first.pid, first)
        monkeypatch.chdir(tmp_path)
        assert alliancesim_here(long) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"alliancesim: error: results folder '{folder}' is in use by ")
        assert f"(PID {first.pid} on host {socket.gethostname()}, started " in err
        assert "allowed: wait until it ends" in err and len(err.splitlines()) == 1
        assert first.poll() is None, "the first command must still run"
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # as `kill -9` would: no release
        first.wait()
    quick = [*SMALL, "steps=1", "replicates=1", f"hydra.run.dir={folder}"]  # nothing finished
    assert alliancesim_here(quick) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"alliancesim: warning: took over the lock on '{folder}' from PID ")
    assert f"PID {first.pid} on host" in err and "ended without releasing it" in err
    assert holder_of(folder) is None  # released at the end of the command


def test_the_lock_descriptor_travels_in_the_handoff():
    handoff = Handoff(["-m", "steps=2"], True, "/x", 42, 7)
    assert Handoff.decode(handoff.encode()) == handoff
    assert Handoff.decode(Handoff(["a"], False, None, 1).encode()).lock_fd is None
