"""A report's files: the runs it reads, and putting it into the results folder as a whole.

``load_results`` loads runs, skipping damaged ones where the store can, saying which and
why. ``publish`` writes a report into a hidden folder of its own and makes it current by
renaming one symbolic link; the paths people and notebooks use are fixed links through it::

    RESULTS/report.html     -> .report/report.html   (so summary.md, summary.csv,
    RESULTS/figures         -> .report/figures         cost_effectiveness.csv,
                                                       sensitivity.csv for designs,
                                                       history.csv for real alliances,
                                                       robust.csv and robust_worlds.csv
                                                       for robust sweeps, alternatives.csv
                                                       with --alternative)
    RESULTS/.report         -> .report-<host>-<pid>-<token>   (the current report)
    RESULTS/.report.lock    taken to switch reports and to tidy up

Guarantee, for a report that fails or is killed (SIGKILL) at any point, and for reports run
at the same time (power cuts aside: nothing is flushed to disk):

- The switch is one ``rename(2)`` of ``.report``. Before it the old report is complete and
  in place, after it the new one; the new one is complete before. A path opened before the
  switch is the old report's file, after it the new one's; an open file reads to its end
  even when its report is removed. A name only one report has (``sensitivity.csv``) is a
  link to nothing, so absent, while the other report is current.
- Around the switch, files opened one after another may come from both reports (the old
  ``report.html``, the new ``summary.csv``), and opening a path just as the old folder is
  removed can fail (``FileNotFoundError``; try again). To read one whole report, resolve
  ``.report`` once (``current_report``), read inside that folder, then check ``.report``
  still names it.
- A failed report removes its folder; a killed one leaves it, and the next report removes
  it once its process is gone (on this machine; another machine's are left alone).
  Reports build side by side; the last to switch wins and removes the one it replaced.

A folder with real files (written by earlier versions, or copied following the links, its
``.report`` then a folder that is dropped) is adopted by its next report: each file is
copied into a report folder and replaced by a link to the same bytes, then ``figures/`` is
moved in by two renames, between which it is absent for an instant (a kill exactly there
leaves it absent until the next report). Without symbolic links (FAT, some network shares)
the entries are renamed aside and the new ones in, undone on an exception; a kill during
those renames leaves a mix until the next report.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import re
import secrets
import shutil
import socket
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from sim.runs.store import REPORT_PAGE, current_names, load

if sys.platform != "win32":
    import fcntl

ENTRIES = (
    "figures",
    "sensitivity.csv",
    "cost_effectiveness.csv",
    "history.csv",
    "robust.csv",
    "robust_worlds.csv",
    "alternatives.csv",
    "summary.csv",
    "summary.md",
    REPORT_PAGE,
)
POINTER = ".report"
LOCK_FILE = ".report.lock"
HOST = re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname()) or "host"
OURS = re.compile(r"\.report-(?P<host>[\w.]+)-(?P<pid>\d+)-[0-9a-f]{8}(?P<suffix>\.[a-z]+)?")

Writer = Callable[[Path], object]


class ReportFolderError(RuntimeError):
    """The report cannot be put in place: another report holds the lock, or a name is taken."""


def bytes_writer(data: bytes) -> Writer:
    """A writer of ``data`` for ``publish``."""
    return lambda path: path.write_bytes(data)


DAMAGE_KEYWORD = "on_damage"  # the store's switch to skip damaged runs, where it has one


def load_results(root: Path, table: str = "steps") -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """``load``, skipping damaged runs where the store can: the rows and (run, why) skipped.

    A store without the switch loads as before. The skipped runs may come beside the rows
    (``Loaded(data, skipped)``) or in ``attrs["skipped"]``: as ``Damage`` records, a table,
    mappings or (run, reason) pairs. Columns written under a former name are renamed
    (``current_names``). Raises the store's ``ResultsError``.
    """
    loader: Any = load  # checked at run time: stores before the switch lack it
    if DAMAGE_KEYWORD not in inspect.signature(loader).parameters:
        return current_names(loader(root, table)), []
    result = loader(root, table, **{DAMAGE_KEYWORD: "skip"})
    frame, skipped = result if isinstance(result, tuple) else (result, result.attrs.get("skipped"))
    if isinstance(skipped, pd.DataFrame):
        skipped = skipped.to_dict("records")
    return current_names(frame), [where_and_why(item, root) for item in skipped or []]


def where_and_why(item: Any, root: Path) -> tuple[str, str]:
    """A skipped run as (its folder, relative to ``root`` if inside; what is wrong)."""
    if isinstance(item, tuple | list) and len(item) == 2:
        where, why = item
    else:
        get = item.get if isinstance(item, Mapping) else lambda key: getattr(item, key, None)
        where = next((get(k) for k in ("folder", "run", "dir", "path") if get(k)), "")
        why = " ".join(str(get(k)) for k in ("file", "problem", "reason", "error") if get(k))
        why = why or str(item)
    if where:
        with contextlib.suppress(ValueError, OSError):
            where = Path(where).resolve().relative_to(root.resolve()).as_posix()
    return str(where), str(why)


def by_run(skipped: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Skipped runs as one (run, why) line each: every file named once, problems joined.

    The report reads several tables (and the design its runs' records), so one damaged
    run may come once per read: kept is the first problem of each (run, file), the file
    being the first word of ``why``; runs keep the order they came in.
    """
    found: dict[str, dict[str, str]] = {}
    for run, why in skipped:
        found.setdefault(run, {}).setdefault(why.split(" ", 1)[0], why)
    return [(run, "; ".join(whys.values())) for run, whys in found.items()]


def csv_writer(table: Any) -> Writer:
    """A writer of the DataFrame ``table`` as CSV (no index) for ``publish``."""
    return lambda path: table.to_csv(path, index=False)


def publish(root: Path, files: Mapping[str, Writer], wait: float = 30.0) -> None:
    """Write a report into ``root`` and make it the current one, in one step.

    Args:
        root: The results folder.
        files: Path within the report (``report.html``, ``figures/x.png``...) to the
            function writing it to the path it is given.
        wait: Seconds to wait for another report being put in place.

    Raises:
        ReportFolderError: Another report held the lock for ``wait`` seconds, or
            ``root/.report`` is not a link (nor a copy of a report beside real files).
        ValueError: A path in ``files`` is not part of a report.
    """
    for name in files:
        if Path(name).parts[0] not in ENTRIES or ".." in Path(name).parts:
            raise ValueError(f"{name!r} is not part of a report; allowed under: {ENTRIES}")
    pointer = root / POINTER
    real = os.path.lexists(pointer) and not pointer.is_symlink()
    copied = real and pointer.is_dir() and set(os.listdir(pointer)) <= set(ENTRIES)
    if real and (not copied or any(is_ours(root / name) for name in ENTRIES)):
        raise ReportFolderError(f"{str(pointer)!r} is not a link this program made; move it")
    build = root / own_name()
    build.mkdir()
    committed = False
    try:
        for name, write in files.items():
            (build / name).parent.mkdir(parents=True, exist_ok=True)
            write(build / name)
        with locked(root, wait):
            previous = None
            try:
                if copied:  # a copy that followed the links: the real files are beside it
                    os.rename(pointer, root / (stale := own_name(".old")))
                    shutil.rmtree(root / stale, ignore_errors=True)
                if links_work(root):
                    previous = adopt(root, current_name(root), set(os.listdir(build)))
                    point(root, POINTER, build.name)  # the one step from the old to the new
                else:
                    swap_entries(root, build)
                committed = True
            finally:
                tidy(root, previous if committed and previous != build.name else None)
    except BaseException:
        if not committed:
            shutil.rmtree(build, ignore_errors=True)
        raise


def tidy(root: Path, replaced: str | None) -> None:
    """Remove dangling links, the replaced report, and leftovers (the next report retries)."""
    with contextlib.suppress(OSError):
        for name in ENTRIES:
            if is_ours(root / name) and not (root / name).exists():
                (root / name).unlink()
        if replaced:
            shutil.rmtree(root / replaced, ignore_errors=True)
        clear_leftovers(root)


def current_report(root: Path) -> Path | None:
    """The folder of the current report (read inside it for one report for sure), if any."""
    name = current_name(root)
    return root / name if name else None


def own_name(suffix: str = "") -> str:
    """A fresh hidden name for a build folder or temporary link of this process."""
    return f".report-{HOST}-{os.getpid()}-{secrets.token_hex(4)}{suffix}"


LINK_READS = 100  # reads of the pointer before a report replaced that often counts as none


def current_name(root: Path) -> str | None:
    """The name of the folder ``root/.report`` points to, if it is one of ours.

    Another process may replace the report between reading the link and looking at its
    folder, which it then removes: the link is read again, and only a link that still names
    a missing folder (dangling) reads as no report.
    """
    seen = None
    for _ in range(LINK_READS):
        try:
            name = os.readlink(root / POINTER)
        except OSError:
            return None
        match = OURS.fullmatch(name)
        if not match or match["suffix"]:
            return None
        if (root / name).is_dir():
            return name
        if name == seen:
            return None
        seen = name
    return None


def is_ours(path: Path) -> bool:
    """Whether ``path`` is the fixed link ``NAME -> .report/NAME``."""
    return path.is_symlink() and os.readlink(path) == f"{POINTER}/{path.name}"


def links_work(root: Path) -> bool:
    """Whether symbolic links can be made in ``root``."""
    probe = root / own_name(".probe")
    try:
        os.symlink(POINTER, probe)
    except (OSError, NotImplementedError):
        return False
    probe.unlink()
    return True


def point(root: Path, name: str, target: str) -> None:
    """Make ``root/name`` (a file, a link or nothing) a link to ``target``, in one step."""
    tmp = root / own_name(".link")
    os.symlink(target, tmp)
    try:
        os.replace(tmp, root / name)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def adopt(root: Path, current: str | None, new: set[str]) -> str | None:
    """Turn every report path into a link that shows what it shows now; returns the current.

    Real files and folders (a report by an earlier version, or where links failed once)
    are moved into the current report's folder, a new one if there is none; links are
    added for names the current or the new report has.
    """
    foreign = [n for n in ENTRIES if os.path.lexists(root / n) and not is_ours(root / n)]
    if foreign:
        remove_legacy_temporaries(root)
        if current is None:
            (root / (current := own_name())).mkdir()
            try:
                copy_in(root, current, foreign)
                point(root, POINTER, current)
            except BaseException:
                shutil.rmtree(root / current, ignore_errors=True)
                raise
        else:
            copy_in(root, current, foreign)
        for name in foreign:
            path = root / name
            if path.is_dir() and not path.is_symlink():
                os.rename(path, root / current / name)
                try:
                    point(root, name, f"{POINTER}/{name}")
                except BaseException:
                    os.rename(root / current / name, path)
                    raise
            else:
                point(root, name, f"{POINTER}/{name}")
    shown = set(os.listdir(root / current)) if current else set()
    for name in ENTRIES:
        if name in shown | new and not os.path.lexists(root / name):
            os.symlink(f"{POINTER}/{name}", root / name)
    return current


def copy_in(root: Path, current: str, names: list[str]) -> None:
    """Copy the files (and linked folders) ``names`` of ``root`` into its folder ``current``."""
    for name in names:
        source, target = root / name, root / current / name
        if source.is_dir() and not source.is_symlink():
            if os.path.lexists(target):  # a real folder wins over the one behind the link
                shutil.rmtree(target)
        elif source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target)
        elif source.exists():
            shutil.copy2(source, target)


def swap_entries(root: Path, build: Path) -> None:
    """Without links: move the old entries aside and the new ones in (undone on exception)."""
    trash = root / own_name(".old")
    trash.mkdir()
    moves: list[tuple[Path, Path]] = []
    try:
        for name in ENTRIES:
            if os.path.lexists(root / name):
                os.rename(root / name, trash / name)
                moves.append((root / name, trash / name))
            if os.path.lexists(build / name):
                os.rename(build / name, root / name)
                moves.append((build / name, root / name))
    except BaseException:
        for source, target in reversed(moves):
            os.rename(target, source)
        trash.rmdir()
        raise
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(build, ignore_errors=True)


def clear_leftovers(root: Path) -> None:
    """Remove what killed reports of this machine left: only those whose process is gone."""
    current = current_name(root)
    for entry in os.listdir(root):
        match = OURS.fullmatch(entry)
        if not match or entry == current or match["host"] != HOST or alive(int(match["pid"])):
            continue
        path = root / entry
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    remove_legacy_temporaries(root)


def remove_legacy_temporaries(root: Path) -> None:
    """Remove the temporary files of reports by earlier versions, written file by file."""
    for name in ENTRIES[1:]:
        for tmp in root.glob(f".{name}.*.tmp"):
            tmp.unlink(missing_ok=True)
    figures = root / "figures"
    if figures.is_dir() and not figures.is_symlink():
        for tmp in figures.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (always true where that cannot be told)."""
    if pid == os.getpid() or sys.platform == "win32":  # os.kill(pid, 0) is Ctrl-C there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        pass
    return True


@contextmanager
def locked(root: Path, wait: float) -> Iterator[None]:
    """Hold ``root/.report.lock`` (released by the system if the process dies).

    Raises:
        ReportFolderError: Another report held it for ``wait`` seconds; names the holder.
    """
    path = root / LOCK_FILE
    with open(path, "a+", encoding="utf-8") as handle:
        if sys.platform != "win32":
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        handle.seek(0)
                        holder = handle.read().strip() or "another process"
                        raise ReportFolderError(
                            f"another report ({holder}) is being put in place in "
                            f"{str(root)!r} and held {LOCK_FILE} for {wait:g} s; try again"
                        ) from None
                    time.sleep(0.05)
                except OSError:  # a file system without locks: the rename alone decides
                    break
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {HOST}\n")
        handle.flush()
        yield
