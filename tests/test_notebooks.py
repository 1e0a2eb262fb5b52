"""The notebooks run top to bottom on this project's interpreter and show what they promise.

Each notebook is executed with nbclient in a fresh kernel started from ``sys.executable`` (a
kernel spec written for the test, so no other installed ``python3`` kernel can be picked up),
with a temporary folder as the working directory. A cell that raises fails the test, and so
does anything written to standard error (Jupyter shows it in a red box, like an error).

With the ``notebooks`` extra installed (``make notebooks`` installs it), ``make notebooks``
is checked to serve JupyterLab on ``notebooks/`` with a kernel of this interpreter, and
nbconvert to export a notebook; without it those tests are skipped.
"""

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import sim.runs.store

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "alliancesim-test"
CELL_TIMEOUT = 120  # seconds; each notebook runs in about 10-20 s here
CHECK_INTERPRETER = "import sys\nprint('KERNEL-PREFIX=' + sys.prefix)"


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """A kernel spec named KERNEL that starts this interpreter, found first on JUPYTER_PATH."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": KERNEL, "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return KERNEL


def execute(name: str, kernel: str, cwd: Path) -> tuple[nbformat.NotebookNode, float]:
    """Run a notebook top to bottom (plus an interpreter check); return it and its seconds."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(CHECK_INTERPRETER))
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(cwd)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError on the first failing cell
    return nb, time.perf_counter() - start


def outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def texts(nb: nbformat.NotebookNode) -> str:
    """Everything the notebook printed or displayed as text, markdown or HTML."""
    parts = []
    for out in outputs(nb):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        for mime in ("text/plain", "text/markdown", "text/html"):
            parts.append(str(out.get("data", {}).get(mime, "")))
    return "\n".join(parts)


def images(nb: nbformat.NotebookNode) -> int:
    return sum("image/png" in out.get("data", {}) for out in outputs(nb))


def red(nb: nbformat.NotebookNode) -> list[str]:
    """What the notebook wrote to standard error: Jupyter shows it in red, like an error."""
    return [out["text"] for out in outputs(nb) if out.get("name") == "stderr"]


def assert_ran_here(nb: nbformat.NotebookNode) -> None:
    assert not [out for out in outputs(nb) if out["output_type"] == "error"]
    assert f"KERNEL-PREFIX={sys.prefix}\n" in texts(nb), "the kernel ran another interpreter"
    assert red(nb) == [], "log lines or warnings on standard error show as red boxes"


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")))
def test_notebooks_are_stored_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: clear outputs"


@pytest.mark.slow  # 11 s: a kernel and a run; make test-slow runs it
@pytest.mark.timeout(300)
def test_quickstart_runs_and_shows_alliances_forming(kernel, tmp_path):
    nb, seconds = execute("01_quickstart.ipynb", kernel, tmp_path)
    assert_ran_here(nb)
    shown = texts(nb)
    # the alliance table: 2024 archetypes at the start, the mandated alliance later
    assert "K-AI Alliance" in shown and "National AI Alliance" in shown
    assert "2034 Q1" in shown  # the snapshot at the end of the 40 quarters
    assert images(nb) >= 2  # shares of open/closed/alone, and the technology gap
    print(f"01_quickstart.ipynb ran in {seconds:.1f} s")


@pytest.mark.slow  # about 30 s: the notebook runs a sweep and the report
@pytest.mark.timeout(300)
def test_policy_comparison_runs_the_sweep_and_the_report(kernel, tmp_path, monkeypatch):
    results = tmp_path / "sweep"
    monkeypatch.setenv("ALLIANCESIM_NOTEBOOK_RESULTS", str(results))
    nb, seconds = execute("02_policy_comparison.ipynb", kernel, tmp_path)
    assert_ran_here(nb)
    scenarios = ("baseline", "mega_alliance", "national_strategy")
    summary = (results / "summary.md").read_text(encoding="utf-8")
    shown = texts(nb)
    assert summary.strip() in shown  # the report's summary is displayed as it was written
    assert all(name in summary for name in scenarios)
    runs = sim.runs.store.manifest(results)
    assert sorted(runs["status"]) == ["done"] * 3
    # the notebook's own tables (per scenario, then paired effects) name every scenario
    assert all(f"<th>{name}</th>" in shown for name in scenarios)
    assert all(f"<td>{name}</td>" in shown for name in scenarios[1:])
    figures = [p for p in results.rglob("*.png") if not (p.parent / "run.json").exists()]
    assert figures, "the report wrote no PNG figure"
    assert images(nb) >= 1 + len(figures)  # the paired-difference plot, then every figure
    print(f"02_policy_comparison.ipynb ran in {seconds:.1f} s")


def test_nbconvert_exports_a_notebook_as_a_web_page(tmp_path):
    pytest.importorskip("nbconvert", reason="the notebooks extra is not installed")
    command = [sys.executable, "-m", "nbconvert", "--to", "html", "--output-dir", str(tmp_path)]
    done = subprocess.run(
        [*command, str(NOTEBOOKS / "01_quickstart.ipynb")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "01_quickstart.html").read_text(encoding="utf-8")
    assert "Quickstart: watching AI alliances form" in page and "sim.compose" in page


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def lines_of(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line)


def run_in_kernel(base: str, token: str, code: str) -> str:
    """Start a kernel through the server's API, run ``code``, return what it printed."""
    import websocket

    def api(method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
        request = urllib.request.Request(base + path, data, headers, method=method)
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")

    kernel = api("POST", "/api/kernels", {"name": "python3"})
    channels = f"{base.replace('http', 'ws')}/api/kernels/{kernel['id']}/channels?token={token}"
    ws = websocket.create_connection(channels, timeout=120)
    msg_id, printed = uuid.uuid4().hex, []
    header = {"msg_id": msg_id, "msg_type": "execute_request", "username": "test"}
    header |= {"session": uuid.uuid4().hex, "version": "5.3"}
    content = {"code": code, "silent": False, "store_history": False}
    content |= {"user_expressions": {}, "allow_stdin": False}
    message = {"header": header, "parent_header": {}, "metadata": {}, "content": content}
    ws.send(json.dumps({**message, "channel": "shell"}))
    while True:
        reply = json.loads(ws.recv())
        if reply.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        if reply["msg_type"] in ("stream", "error"):
            printed.append(reply["content"].get("text") or reply["content"]["ename"])
        if reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
            break
    ws.close()
    api("DELETE", f"/api/kernels/{kernel['id']}")
    return "".join(printed)


def contents(request: urllib.request.Request, deadline: float) -> set[str]:
    """The names the server lists, retrying while it refuses connections (it prints its URL
    a moment before it listens: measured once on a loaded machine)."""
    while True:
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return {item["name"] for item in json.loads(response.read())["content"]}
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


@pytest.mark.slow  # 30-60 s measured (2 shared cores): JupyterLab's start and one kernel
@pytest.mark.timeout(300)
def test_make_notebooks_serves_jupyterlab_with_a_kernel_of_this_interpreter():
    pytest.importorskip("jupyterlab", reason="the notebooks extra is not installed")
    pytest.importorskip("websocket", reason="the notebooks extra is not installed")
    make = shutil.which("make") or pytest.skip("make is not installed")
    port, prefix = free_port(), sys.prefix  # the venv is installed: make installs nothing
    command = [make, "-o", f"{prefix}/.installed", "-o", f"{prefix}/.notebooks", "notebooks"]
    command += [f"VENV={prefix}", f"NOTEBOOK_PORT={port}"]
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    printed: queue.Queue = queue.Queue()
    threading.Thread(target=lines_of, args=(server.stdout, printed), daemon=True).start()
    try:
        url, deadline, seen = None, time.monotonic() + 240, []
        while url is None and time.monotonic() < deadline and server.poll() is None:
            try:
                seen.append(printed.get(timeout=1))
            except queue.Empty:
                continue
            url = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)", seen[-1])
        assert url is not None, "".join(seen)[-2000:]
        base, token = f"http://127.0.0.1:{port}", url.group(1)
        request = urllib.request.Request(
            f"{base}/api/contents", headers={"Authorization": f"token {token}"}
        )
        listed = contents(request, time.monotonic() + 60)
        assert {p.name for p in NOTEBOOKS.glob("*.ipynb")} <= listed  # it serves notebooks/
        shown = run_in_kernel(base, token, "import sys, sim\nprint('PREFIX=' + sys.prefix)")
        assert f"PREFIX={prefix}" in shown  # the kernel runs this interpreter, sim importable
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
