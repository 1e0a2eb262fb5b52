"""The result of a history matching: the result file, its Markdown fragment, the docs section.

``result_dict`` gathers the fitted values, the ABC accepted ranges, the fit per target (the
simulated 5-95 % band over seeds against the reported value, in-sample and held-out apart),
the leaders and regimes, the budget and the wall time. ``write_result`` writes it as YAML,
``fragment`` renders it as Markdown and ``render_into`` puts that Markdown between the
markers of ``docs/calibration.md``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.calibration.history.loss import Loss, seed_sizes, z_scores
from sim.calibration.history.moments import Moments
from sim.calibration.history.paired import PairedDifference
from sim.calibration.history.search import Search, Trial, accepted, accepted_ranges
from sim.calibration.history.spec import HistorySpec
from sim.calibration.history.targets import SizeTarget, StateTarget, Targets
from sim.engine.alliance_table import quarter_dates

START_MARKER = "<!-- history-matching:start -->"
END_MARKER = "<!-- history-matching:end -->"


def _r(x: float, digits: int = 4) -> float:
    return float(round(float(x), digits))


def _loss(loss: Loss) -> dict[str, float]:
    return {
        "total": _r(loss.total),
        "sizes": _r(loss.sizes),
        "leader_miss": _r(loss.leader_miss),
        "regime_miss": _r(loss.regime_miss),
        "composition": _r(loss.composition),
    }


def size_rows(
    moments: Moments, targets: Sequence[SizeTarget], start_year: int, at_defaults: Moments | None
) -> list[dict[str, Any]]:
    """One row per size target: reported value against the simulated band over seeds."""
    z = z_scores(moments, targets)
    rows = []
    for t, zt in zip(targets, z, strict=True):
        x = seed_sizes(moments, t)
        row = {
            "alliance": t.alliance,
            "date": t.date,
            "step": t.step,
            "quarter": quarter_dates([t.step], start_year)[0],
            "reported": _r(t.reported, 2),
            "target": _r(t.value, 2),
            "tolerance": t.tolerance,
            "held_out": t.held_out,
            "at_least": t.at_least,
            "model_p05": _r(np.quantile(x, 0.05), 2),
            "model_median": _r(np.median(x), 2),
            "model_p95": _r(np.quantile(x, 0.95), 2),
            "z": _r(zt, 2),
            # a lower bound and a quarter only assumed are missed by a shortfall only (loss.counted)
            "hit": bool(zt >= -1.0 if t.at_least or t.assumed else abs(zt) <= 1.0),
        }
        if at_defaults is not None:
            row["defaults_median"] = _r(np.median(seed_sizes(at_defaults, t)), 2)
        rows.append(row)
    return rows


def state_rows(
    moments: Moments, targets: Sequence[StateTarget], what: str
) -> dict[str, dict[str, Any]]:
    """Per alliance: the reported leader (regime), the share matched, the commonest simulated."""
    simulated = moments.leader if what == "leader" else moments.regime
    out: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(t.alliance for t in targets):
        mine = [t for t in targets if t.alliance == name]
        seen = np.concatenate([simulated[:, moments.index(name), t.step] for t in mine])
        wanted = np.concatenate([np.full(moments.size.shape[0], t.value) for t in mine])
        last = Counter(simulated[:, moments.index(name), mine[-1].step].tolist()).most_common(1)
        out[name] = {
            "reported": sorted({t.value for t in mine}),
            "matched_share": _r(np.mean(seen == wanted), 3),
            "simulated_last": last[0][0] or "(dissolved)",
        }
    return out


def composition_rows(moments: Moments, at_defaults: Moments | None) -> dict[str, Any]:
    """The home country's share of each foreign-led archetype's members, last quarter.

    Seed means, at the fit and at the defaults (issue 11's acceptance: at most a quarter).
    """

    def share(m: Moments, a: int) -> float | None:
        if m.domestic is None or m.home is None:
            return None
        size, home = m.size[:, a, -1], m.home[:, a, -1]
        alive = (size > 0) & (home != "") & (home != "domestic")
        if not alive.any():
            return None
        return _r(float(np.mean(m.domestic[alive, a, -1] / size[alive])), 3)

    out: dict[str, Any] = {}
    for a, name in enumerate(moments.alliances):
        fit = share(moments, a)
        if fit is not None:
            out[name] = {"fit": fit, "defaults": share(at_defaults, a) if at_defaults else None}
    return out


def result_dict(
    spec: HistorySpec,
    targets: Targets,
    done: Search,
    *,
    start_year: int,
    overrides: Sequence[str],
    defaults: Mapping[str, float],
    wall_seconds: float,
    date: str,
    adopted: tuple[Trial, Moments] | None = None,
    rescore: Mapping[str, Loss] | None = None,
    proposed: Trial | None = None,
    paired: PairedDifference | None = None,
) -> dict[str, Any]:
    """The result file's content (plain Python values, ready for YAML).

    ``fitted`` is the best trial; ``adopted`` the values to make the defaults: the best trial,
    or with ``adopted`` (``adopt: accepted_median``) that evaluated point, whose moments then
    fill the size, leader, regime and composition tables. ``rescore``: losses on new seeds.
    ``proposed``: what the fit would have adopted, when ``adopted`` is the defaults' trial,
    kept because ``proposed`` did not score better on the re-score's seeds
    (``cli.keeps_defaults``); ``kept_defaults`` in the file says so. ``paired``: what the fit
    would adopt minus the defaults on the re-score's seeds, with its bootstrap interval.
    """
    best = done.best
    keep = accepted(done.trials, spec.abc_quantile)
    at_defaults = done.moments.get(0) if done.trials[0].values == dict(defaults) else None
    chosen, moments = adopted if adopted is not None else (best, done.moments[best.number])
    seconds = [t.seconds for t in done.trials]
    return {
        "method": "history matching: SMM on log sizes + leader/regime penalties; Optuna TPE; "
        "ABC by rejection over the evaluated candidates (an approximation)",
        "date": date,
        "world": spec.world,
        "scenario": spec.scenario,
        "overrides": list(overrides),
        "last_date": spec.last_date,
        "quarters": targets.steps + 1,
        "seeds": len(moments.size),
        "root_seed": spec.root_seed,
        "trials": len(done.trials),
        "sampler_seed": spec.sampler_seed,
        "wall_time_seconds": _r(wall_seconds, 1),
        "seconds_per_candidate": _r(float(np.mean(seconds)), 2),
        "run_warnings": sum(t.warnings for t in done.trials),
        "defaults": {k: _r(v) for k, v in defaults.items()},
        "defaults_loss": _loss(done.trials[0].loss) if at_defaults is not None else None,
        "fitted": {k: _r(v) for k, v in best.values.items()},
        "fitted_loss": _loss(best.loss),
        "best_trial": best.number,  # counted from 0, the defaults' trial
        "adopt": spec.adopt,
        "kept_defaults": proposed is not None,
        "proposed": None if proposed is None else {k: _r(v) for k, v in proposed.values.items()},
        "proposed_loss": None if proposed is None else _loss(proposed.loss),
        "adopted": {k: _r(v) for k, v in chosen.values.items()},
        "adopted_loss": _loss(chosen.loss),
        "rescore": None
        if rescore is None
        else {
            "seeds": spec.rescore_seeds,
            "root_seed": spec.rescore_root_seed,
            "loss": {  # the point not adopted is "proposed" where the defaults were kept
                ("proposed" if proposed is not None and name == "adopted" else name): _loss(v)
                for name, v in rescore.items()
            },
            "paired": None
            if paired is None
            else {
                "difference": _r(paired.difference),
                "low": _r(paired.low),
                "high": _r(paired.high),
                "share_better": _r(paired.share_better, 3),
                "resamples": paired.resamples,
                "level": paired.level,
            },
        },
        "accepted": {
            "quantile": spec.abc_quantile,
            "n": len(keep),
            "epsilon": _r(keep[-1].loss.total),
            "ranges": {
                k: {q: _r(v) for q, v in r.items()} for k, r in accepted_ranges(keep, spec).items()
            },
        },
        "fit": size_rows(moments, targets.in_sample, start_year, at_defaults),
        "held_out": size_rows(moments, targets.held_out, start_year, at_defaults),
        "leaders": state_rows(moments, targets.leaders, "leader"),
        "regimes": state_rows(moments, targets.regimes, "regime"),
        "composition": composition_rows(moments, at_defaults),
        "trial_losses": [_r(t.loss.total, 3) for t in done.trials],
    }


def write_result(result: dict[str, Any], path: Path) -> None:
    """Write the result file (YAML), to a temporary name first."""
    text = (
        "# Written by `python -m sim.calibration history`; do not edit by hand (rerun it).\n"
        "# docs/calibration.md (History matching) explains the method.\n"
        + yaml.safe_dump(result, sort_keys=False, allow_unicode=True, width=100)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _g(x: float) -> str:
    return f"{x:.3g}"


def _size_table(rows: list[dict[str, Any]], defaults: bool) -> list[str]:
    head = "| alliance | reported (date) | quarter | target | tolerance | model 5-95 % (median) |"
    head += " defaults median | hit |" if defaults else " hit |"
    lines = [head, "|---" * (8 if defaults else 7) + "|"]
    for r in rows:
        band = f"{_g(r['model_p05'])}-{_g(r['model_p95'])} ({_g(r['model_median'])})"
        cells = [
            r["alliance"],
            f"{_g(r['reported'])} ({r['date']})",
            r["quarter"],
            f"more than {_g(r['target'])}" if r.get("at_least") else _g(r["target"]),
            _g(r["tolerance"]),
            band,
            *([_g(r["defaults_median"])] if defaults else []),
            "yes" if r["hit"] else f"no (z {r['z']:+.1f})",
        ]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return lines


def fragment(result: dict[str, Any]) -> str:
    """The result as a Markdown fragment (the docs section's generated part)."""
    d = bool(result["fit"]) and "defaults_median" in result["fit"][0]
    acc = result["accepted"]
    adopted = result.get("adopted") or result["fitted"]  # files written before 2026-12-04
    kept = bool(result.get("kept_defaults"))
    medians = result.get("adopt") == "accepted_median" and not kept
    at = "at the adopted values, the accepted medians" if medians else "at the fit"
    at = "at the defaults, kept" if kept else at
    lines = [
        f"Generated by `python -m sim.calibration history` on {result['date']}: "
        f"{result['trials']} candidates x {result['seeds']} seeds x {result['quarters']} quarters "
        f"(`{' '.join(result['overrides'])}`), {result['wall_time_seconds']:.0f} s wall time, "
        f"{result['seconds_per_candidate']:.1f} s per candidate.",
        "",
        f"Loss at the defaults {_fmt_loss(result['defaults_loss'])}; "
        f"at the fit (trial {result['best_trial'] + 1}; trial 1 is the defaults) "
        f"{_fmt_loss(result['fitted_loss'])}"
        + (
            f"; at the adopted values (the accepted candidates' medians, evaluated on the "
            f"same seeds) {_fmt_loss(result['adopted_loss'])}."
            if medians
            else "."
        ),
        *_rescore_lines(result.get("rescore"), kept),
        *_kept_lines(result),
        "",
        "| parameter | default when run | fitted (best trial) | adopted | ABC accepted range "
        f"(best {acc['n']}, loss <= {acc['epsilon']:.3g}) |",
        "|---|---|---|---|---|",
    ]
    for path, value in result["fitted"].items():
        r = acc["ranges"][path]
        lines.append(
            f"| `{path}` | {_g(result['defaults'][path])} | {_g(value)} | "
            f"{_g(adopted[path])} | {_g(r['low'])} to {_g(r['high'])} (median "
            f"{_g(r['median'])}) |"
        )
    lines += ["", f"In-sample size targets ({at}):", "", *_size_table(result["fit"], d)]
    lines += ["", "Held-out checks (never fitted):", "", *_size_table(result["held_out"], d)]
    lines += ["", "| alliance | reported leader | matched | simulated leader at the end |"]
    lines += ["|---|---|---|---|"]
    for name, r in result["leaders"].items():
        rg = result["regimes"][name]
        lines.append(
            f"| {name} | {', '.join(r['reported'])} | {r['matched_share']:.0%} (regime "
            f"{'/'.join(rg['reported'])}: {rg['matched_share']:.0%}) | {r['simulated_last']} "
            f"({rg['simulated_last']}) |"
        )
    mix = result.get("composition") or {}
    if mix:
        lines += [
            "",
            "Home country's share of the members of alliances led from another region, "
            "last quarter, seed mean (acceptance: at most a quarter):",
            "",
        ]
        head = "adopted" if medians else "at the fit"
        head = "kept defaults" if kept else head
        lines += [f"| alliance | {head} | at the defaults |", "|---|---|---|"]
        for name, r in mix.items():
            dflt = "" if r["defaults"] is None else f"{r['defaults']:.0%}"
            lines.append(f"| {name} | {r['fit']:.0%} | {dflt} |")
    return "\n".join(lines) + "\n"


def _kept_lines(result: Mapping[str, Any]) -> list[str]:
    """The sentence saying the defaults were kept (none when the fit's values were adopted)."""
    if not result.get("kept_defaults"):
        return []
    paired = (result.get("rescore") or {}).get("paired")
    paired_rule = "not lower than the defaults across the paired interval"
    how = paired_rule if paired else "no better than the defaults"
    return [
        "",
        "**The defaults are kept** (`adopt_only_if_better`): what the fit would adopt "
        f"scores {_fmt_loss(result.get('proposed_loss'))} on the fit's seeds but {how} on the "
        "re-score's seeds (above), so its gain may be luck on the fit's seeds. The tables "
        "below are at the defaults; the `adopted` column repeats them.",
    ]


def _rescore_lines(rescore: Mapping[str, Any] | None, kept: bool = False) -> list[str]:
    """The re-score on new seeds as a sentence (none when it was not asked for).

    With ``kept`` (the defaults kept) the point the fit would have adopted is named for what
    it is, not "adopted".
    """
    if not rescore:
        return []
    names = {"proposed": "proposed (not adopted)"} if kept else {}
    parts = [
        f"{names.get(name, name)} {_fmt_loss(value)}" for name, value in rescore["loss"].items()
    ]
    lines = [
        "",
        f"Re-scored on {rescore['seeds']} seeds the search never saw (root seed "
        f"{rescore['root_seed']}): " + "; ".join(parts) + ".",
    ]
    paired = rescore.get("paired")
    if paired:
        which = "proposed" if kept else "adopted"
        lines[-1] += (
            f" Paired on those seeds, {which} minus defaults: {paired['difference']:+.2f} "
            f"({paired['level']:.0%} interval {paired['low']:+.2f} to {paired['high']:+.2f}, "
            f"bootstrap over seeds, {paired['resamples']} resamples; lower in "
            f"{paired['share_better']:.0%} of them)."
        )
    return lines


def _fmt_loss(loss: Mapping[str, float] | None) -> str:
    if loss is None:
        return "not evaluated"
    return (
        f"{loss['total']:.1f} (sizes {loss['sizes']:.1f}, leader miss "
        f"{loss['leader_miss']:.0%}, regime miss {loss['regime_miss']:.0%}, composition "
        f"{loss.get('composition', 0.0):.1f})"
    )


def _section(doc: Path) -> tuple[str, int, int]:
    source = doc.read_text(encoding="utf-8") if doc.is_file() else ""
    start, end = source.find(START_MARKER), source.find(END_MARKER)
    if start < 0 or end < start:
        raise ValueError(
            f"docs={str(doc)!r} has no {START_MARKER} ... {END_MARKER} section; "
            "allowed: a Markdown file with both markers, in order"
        )
    return source, start, end


def check_markers(doc: Path) -> None:
    """Check that ``doc`` has the history-matching markers, in order.

    Raises:
        ValueError: It does not (or is not a file).
    """
    _section(doc)


def render_into(doc: Path, text: str) -> None:
    """Replace what lies between the history-matching markers of ``doc`` with ``text``.

    Raises:
        ValueError: The document lacks the markers (or has them out of order).
    """
    source, start, end = _section(doc)
    head = source[: start + len(START_MARKER)]
    doc.write_text(head + "\n" + text + source[end:], encoding="utf-8")
