"""The run summary panel's text: the run, the levers in force and the outcomes now."""

from __future__ import annotations

from html import escape

from sim.dashboard.clock import clock_text, date_of, span_text
from sim.dashboard.controls import AS_SCENARIO
from sim.dashboard.style import DOMAIN_LABELS, SECONDARY_INK
from sim.model import AllianceModel


def lever_lines(model: AllianceModel) -> list[str]:
    """Plain-word lines describing the levers the running model actually uses.

    Args:
        model: The running model (its ``cfg.scenario`` holds the levers in force).

    Returns:
        One line each for the national alliance, antitrust and the subsidy, then one naming
        the scenario's other levers.
    """
    s = model.cfg.scenario
    baseline = model.cfg.model.choice.baseline_clarity
    lines = []
    if s.mega_alliance is None:
        lines.append("National alliance: none")
    else:
        m = s.mega_alliance
        lines.append(
            f"National alliance: {m.regime}, from quarter {m.start} "
            f"({date_of(model, m.start)}), "
            f"USD {m.member_value:,.2f} m a quarter to each domestic member, "
            f"USD {m.refusal_cost:,.2f} m a quarter from each invited firm that stays out"
        )
    if s.antitrust is None:
        lines.append(f"Antitrust clarity: {baseline:.2f} (status quo, no guidance)")
    else:
        a = s.antitrust
        cap = "no share cap" if a.share_cap >= 1 else f"share cap {a.share_cap:.0%}"
        lines.append(f"Antitrust clarity: {a.clarity:.2f} ({cap}, fines {a.fine_rate:.0%})")
    if s.subsidy is None:
        focus = getattr(model, "settings", {}).get("subsidy_focus", AS_SCENARIO)
        unused = "" if focus == AS_SCENARIO else f" (the focus '{focus}' applies to a subsidy)"
        lines.append(f"Subsidy: none{unused}")
    else:
        sub = s.subsidy
        domains = ", ".join(DOMAIN_LABELS[d].lower() for d in sub.target_domains)
        lines.append(
            f"Subsidy: USD {sub.budget:,.0f} m a quarter, {sub.schedule}, "
            f"{sub.eligibility} firms of: {domains}"
        )
    others = [
        name.replace("_", " ")
        for name in ("public_compute", "open_data", "tournament")
        if getattr(s, name) is not None
    ]
    lines.append(f"Other levers of the scenario: {', '.join(others) or 'none'}")
    return lines


def summary_html(model: AllianceModel) -> str:
    """The run summary panel as HTML: the run, the levers in force and the outcomes now.

    Args:
        model: The running model (a DashboardModel's ``settings`` give the seed chosen).

    Returns:
        An HTML fragment, every value escaped.
    """
    o = model.outcomes
    settings = getattr(model, "settings", {})
    seed = settings.get("seed", model.cfg.seed)
    status = "" if model.running else " · finished: press Reset to start again"
    levers = "".join(f"<li>{escape(line)}</li>" for line in lever_lines(model))
    now = [
        f"Technology gap: {o['tech_gap_years']:.2f} years (start {model.initial_gap:.2f})",
        f"Firms in open alliances {o['share_open']:.0%}, closed {o['share_closed']:.0%}, "
        f"alone {o['share_alone']:.0%} (of all {int(model.firms.alive.sum()):,} firms alive, "
        "every region)",
        f"Alliances of two or more members: {int(o['n_alliances'])}, largest: "
        f"{int(o['largest_alliance_size'])} firms",
        f"Government spend so far: USD {model.cumulative_spend:,.0f} m",
    ]
    outcomes = "".join(f"<li>{escape(line)}</li>" for line in now)
    p, ul = '<p style="margin: 0 0 4px">', '<ul style="margin: 0 0 6px">'
    return (
        f"{p}<b>World</b> {escape(model.cfg.world.name)} · <b>scenario</b> "
        f"{escape(model.cfg.scenario.name)} · <b>seed</b> {seed}</p>"
        f'{p}<b class="alliancesim-quarter">{escape(clock_text(model))}</b> '
        f"(the run covers {escape(span_text(model))}){status}</p>"
        f"{p}<b>Levers in this run</b></p>{ul}{levers}</ul>"
        f"{p}<b>Now</b></p>{ul}{outcomes}</ul>"
        f'{p}<span style="color: {SECONDARY_INK}">A lever left "as scenario" keeps the '
        "scenario's own setting. Changed controls take effect when you press Reset.</span></p>"
    )
