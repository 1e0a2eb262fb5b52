"""sim/calibration/figures.py: the calibration figures, drawn from made-up outputs."""

import numpy as np

from sim import calibration as cal


def fake_outputs(rng, seeds=8, steps=40):
    out = np.empty((seeds, len(cal.OUTPUTS), steps + 1))
    out[:, 0] = 2.2 - np.linspace(0, 1, steps + 1) + rng.normal(0, 0.1, (seeds, steps + 1))
    out[:, 1] = 0.74 + np.linspace(0, 0.1, steps + 1)
    out[:, 2] = 7 + rng.integers(0, 10, (seeds, steps + 1))
    return out


def test_every_figure_is_drawn(tmp_path):
    rng = np.random.default_rng(0)
    spec = cal.load_spec()
    fitted, default = fake_outputs(rng), fake_outputs(rng)
    values = np.array([p.start for p in spec.parameters])
    draws = values + rng.normal(0, 0.01, (50, len(values)))
    cov = np.eye(len(values)) * 1e-4
    unc = cal.Uncertainty(np.eye(3), cov, cov, draws, draws, values * 0.05)
    refits = values + rng.normal(0, 0.01, (3, len(values)))
    profiles = [(v, values, fake_outputs(rng), 0.1 * v) for v in (0.0, 1.5, 3.0)]
    cal.plot_gap(fitted, default, spec, tmp_path / "gap.png")
    cal.plot_archetype(fitted, default, spec, tmp_path / "archetype.png")
    cal.plot_uncertainty(spec, values, unc, refits, tmp_path / "uncertainty.png")
    cal.plot_profile(profiles, "catch_up", spec, tmp_path / "profile.png")
    for name in ("gap", "archetype", "uncertainty", "profile"):
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
