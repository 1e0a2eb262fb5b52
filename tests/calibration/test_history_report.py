"""sim/calibration/history/report.py: the docs section between the markers."""

import pytest

from sim.calibration import history as hm


def test_render_into_replaces_only_the_section(tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text(f"A\n{hm.START_MARKER}\nold\n{hm.END_MARKER}\nB\n", encoding="utf-8")
    hm.render_into(doc, "new\n")
    assert doc.read_text(encoding="utf-8") == f"A\n{hm.START_MARKER}\nnew\n{hm.END_MARKER}\nB\n"
    hm.render_into(doc, "newer\n")  # idempotent on its own output
    assert doc.read_text(encoding="utf-8").count("new") == 1


@pytest.mark.parametrize(
    "text", ["no markers\n", f"{hm.END_MARKER}\n{hm.START_MARKER}\n", f"{hm.START_MARKER}\n"]
)
def test_render_into_refuses_a_doc_without_ordered_markers(tmp_path, text):
    doc = tmp_path / "d.md"
    doc.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="history-matching:start"):
        hm.render_into(doc, "new\n")
    assert doc.read_text(encoding="utf-8") == text


def test_the_real_doc_has_the_section():
    from sim.calibration.history.cli import DOCS_FILE
    from sim.calibration.history.report import check_markers

    check_markers(DOCS_FILE)


def test_the_version_2_defaults_are_the_history_fit():
    """Issue 11's acceptance: the calibrated values are the defaults. Each free parameter of the
    history matching has, as its schema default, the value the result file adopts (the
    accepted medians since 2026-12-04, finding 47)."""
    from sim import calibration as cal
    from sim.calibration import history as hm
    from sim.config.schema import RunConfig

    result = hm.load_spec()  # the spec's parameters are the result's
    written = cal.load_result(hm.RESULT_FILE)
    assert written["adopt"] == result.adopt  # the spec says which point is adopted
    adopted = written["adopted"]
    assert list(adopted) == [p.path for p in result.parameters]
    for path, value in adopted.items():
        assert cal.value_at(RunConfig(), path) == value, path
