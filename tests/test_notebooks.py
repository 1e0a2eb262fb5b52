"""The notebooks run top to bottom on this project's interpreter and show what they promise.

Each notebook is executed with nbclient in a fresh kernel started from ``sys.executable`` (a
kernel spec written for the test, so no other installed ``python3`` kernel can be picked up),
with a temporary folder as the working directory. A cell that raises fails the test.
"""

import json
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import sim.runs.store

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
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


def assert_ran_here(nb: nbformat.NotebookNode) -> None:
    assert not [out for out in outputs(nb) if out["output_type"] == "error"]
    assert f"KERNEL-PREFIX={sys.prefix}\n" in texts(nb), "the kernel ran another interpreter"


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
