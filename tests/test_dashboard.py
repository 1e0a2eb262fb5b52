"""The dashboard (sim/dashboard.py): its model and panels, then the real app in headless Chromium.

The browser test starts ``alliancesim-dashboard`` (``sim.dashboard.entry``) on a free port,
opens it in Debian's ``/usr/bin/chromium`` through Playwright (never a downloaded browser),
chooses a scenario, moves the mandate slider, resets, steps, and checks that the run and
its plots change. Screenshots are kept in the test's ``tmp_path`` (the paths are printed;
``pytest -rP`` shows them).
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

import sim
import sim.dashboard as app
from sim.config.levers import INFRASTRUCTURE_DOMAINS, MegaAllianceConfig, SubsidyConfig
from sim.config.schema import ConfigError

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SMALL = {"world": "synthetic", "quarters": 6}


# --- the model behind the dashboard ---------------------------------------------------------
@pytest.mark.parametrize(
    "scenario", ["baseline", "mega_alliance", "antitrust_guidance", "subsidy_fad"]
)
def test_sliders_at_zero_keep_the_scenario_as_its_file_sets_it(scenario):
    base = sim.compose(["world=synthetic", f"scenario={scenario}"])
    cfg = app.dashboard_config("synthetic", scenario)
    assert cfg.scenario == base.scenario
    assert cfg.world == base.world


def test_a_slider_overrides_only_its_field_of_the_scenarios_lever():
    cfg = app.dashboard_config("synthetic", "mega_alliance", mandate_strength=2.5)
    mega = sim.compose(["world=synthetic", "scenario=mega_alliance"]).scenario.mega_alliance
    assert cfg.scenario.mega_alliance.mandate_strength == 2.5
    assert cfg.scenario.mega_alliance.start == mega.start == 4  # the rest as in the file
    assert cfg.scenario.antitrust is None and cfg.scenario.subsidy is None

    cfg = app.dashboard_config("synthetic", "antitrust_guidance", clarity=0.4)
    assert cfg.scenario.antitrust.clarity == 0.4
    assert cfg.scenario.antitrust.share_cap == 0.4  # the scenario's cap and fines stay
    assert cfg.scenario.antitrust.fine_rate == 0.05


def test_a_slider_adds_its_lever_with_defaults_when_the_scenario_has_none():
    cfg = app.dashboard_config(
        "synthetic",
        "baseline",
        mandate_strength=1.5,
        clarity=0.8,
        subsidy_budget=300.0,
        subsidy_focus="infrastructure",
        seed=7,
        quarters=12,
    )
    s = cfg.scenario
    assert s.mega_alliance == MegaAllianceConfig(mandate_strength=1.5)
    assert (s.antitrust.clarity, s.antitrust.share_cap, s.antitrust.fine_rate) == (0.8, 1.0, 0.0)
    assert s.subsidy == SubsidyConfig(budget=300.0, target_domains=list(INFRASTRUCTURE_DOMAINS))
    assert (cfg.seed, cfg.steps) == (7, 12)


def test_the_focus_retargets_the_scenarios_subsidy_and_needs_one():
    cfg = app.dashboard_config("synthetic", "subsidy_infrastructure", subsidy_focus="applications")
    assert cfg.scenario.subsidy.target_domains == ["applications_services", "robotics"]
    assert cfg.scenario.subsidy.budget == 250.0  # the scenario's budget stays
    cfg = app.dashboard_config("synthetic", "baseline", subsidy_focus="applications")
    assert cfg.scenario.subsidy is None  # no subsidy to focus: nothing changes


def test_bad_settings_are_refused_and_the_cached_files_stay_untouched():
    with pytest.raises(ConfigError, match="mandate_strength"):
        app.dashboard_config("synthetic", "baseline", mandate_strength=-1.0)
    with pytest.raises(ConfigError, match="clarity"):
        app.dashboard_config("synthetic", "baseline", clarity=1.5)
    with pytest.raises(ValueError, match="subsidy_focus"):
        app.dashboard_config("synthetic", "baseline", subsidy_focus="chips")
    with pytest.raises(ConfigError):
        app.dashboard_config("synthetic", "no_such_scenario")
    app.dashboard_config("synthetic", "mega_alliance", mandate_strength=3.0)
    assert app._composed("synthetic", "mega_alliance").scenario.mega_alliance.mandate_strength == 1


def test_the_controls_match_the_model_constructor():
    from mesa.visualization.solara_viz import _check_model_params

    _check_model_params(app.DashboardModel.__init__, app.model_params)  # raises if not
    assert set(app.model_params) == {
        "world",
        "scenario",
        "mandate_strength",
        "clarity",
        "subsidy_budget",
        "subsidy_focus",
        "seed",
        "quarters",
    }
    for options in app.model_params.values():
        if options["type"] == "Select":
            assert options["value"] in options["values"]
    assert app.model_params["world"]["values"][0] == "korea_2024"  # the default leads
    assert {"korea_2024", "synthetic"} <= set(app.model_params["world"]["values"])
    assert app.model_params["scenario"]["values"][0] == "baseline"
    assert "national_strategy" in app.model_params["scenario"]["values"]
    # every slider's neutral default (0 = as the scenario) is the value it starts at
    for name in ("mandate_strength", "clarity", "subsidy_budget"):
        assert app.model_params[name]["value"] == app.model_params[name]["min"] == 0.0


def test_the_dashboard_model_steps_records_and_stops_at_its_horizon():
    model = app.DashboardModel(scenario="mega_alliance", mandate_strength=0.5, seed=3, **SMALL)
    assert model.settings["mandate_strength"] == 0.5
    assert model.cfg.scenario.mega_alliance.mandate_strength == 0.5
    assert model.running and model.steps == 0
    for _ in range(6):
        model.step()
    assert model.steps == 6 and not model.running
    df = model.datacollector.get_model_vars_dataframe()
    assert list(df["step"]) == list(range(7))
    shares = df[["share_open", "share_closed", "share_alone"]].sum(axis=1)
    assert np.allclose(shares, 1.0)
    # the same settings give the same run (SolaraViz re-creates the model on Reset)
    again = app.DashboardModel(scenario="mega_alliance", mandate_strength=0.5, seed=3, **SMALL)
    again.run(6)
    assert again.datacollector.get_model_vars_dataframe().equals(df)


def test_slider_floats_are_rounded_to_what_the_user_chose():
    model = app.DashboardModel(clarity=0.1 + 0.2, **SMALL)
    assert model.cfg.scenario.antitrust.clarity == 0.3


def test_the_network_shows_the_largest_alliances_and_their_strongest_members():
    model = app.DashboardModel(scenario="national_strategy", **SMALL)
    model.run(6)
    graph = app.alliance_network(model, max_alliances=10, members_per_alliance=4)
    firms, alliances = model.firms, model.alliances
    hubs = [n for n, d in graph.nodes(data=True) if d["node_type"] == "alliance"]
    table = model.alliance_table()
    table = table[table["size"] > 0]
    assert len(hubs) == min(10, len(table)) == graph.graph["shown_alliances"]
    assert graph.graph["active_alliances"] == len(table)
    shown = sorted((graph.nodes[h]["size"] for h in hubs), reverse=True)
    assert shown == sorted(table["size"], reverse=True)[: len(hubs)]
    for hub in hubs:
        a = hub[1]
        members = [n for n in graph.neighbors(hub) if n[0] == "firm"]
        assert 1 <= len(members) <= 4
        assert all(firms.alliance[row] == a and firms.alive[row] for _, row in members)
        assert graph.nodes[hub]["regime"] == ("open", "closed")[alliances.regime[a]]
        if firms.alliance[alliances.leader[a]] == a:  # the leader is always shown
            assert ("firm", int(alliances.leader[a])) in members
    assert any(d["mandated"] for _, d in graph.nodes(data=True) if d["node_type"] == "alliance")
    alive = int(firms.alive.sum())
    assert graph.graph["in_alliances"] + graph.graph["alone"] == alive
    assert {d["domain"] for _, d in graph.nodes(data=True) if d["node_type"] == "firm"} <= set(
        app.DOMAIN_COLOURS
    )

    pos = app.network_layout(graph)
    assert set(pos) == set(graph.nodes)
    hub_xy = np.array([pos[h] for h in hubs])
    assert np.all(np.abs(hub_xy) <= 1.0 + 1e-9)
    moved = app.network_layout(graph, previous=pos)  # warm start keeps hubs near
    assert np.median([np.linalg.norm(moved[h] - pos[h]) for h in hubs]) < 0.5

    fig = Figure(figsize=(5.2, 4.3))
    app.draw_network(fig, graph, pos, model.steps)
    png = io.BytesIO()
    fig.savefig(png, format="png")
    assert png.getvalue().startswith(b"\x89PNG")


def test_the_network_of_a_world_without_alliances_is_empty_but_drawable():
    model = app.AllianceModel(
        sim.compose(
            ["world=synthetic", "world.n_startups=30", "world.n_initial_alliances=0", "steps=1"]
        )
    )
    graph = app.alliance_network(model)
    assert graph.number_of_nodes() == 0 and graph.graph["alone"] == int(model.firms.alive.sum())
    assert app.network_layout(graph) == {}
    app.draw_network(Figure(), graph, {}, 0)


def test_the_time_plots_and_the_summary_describe_the_run():
    model = app.DashboardModel(
        scenario="subsidy_infrastructure", clarity=0.7, subsidy_focus="applications", **SMALL
    )
    model.run(2)
    for make, series in ((app.shares_figure, 3), (app.gap_figure, 1)):
        ax = make(model).axes[0]
        assert ax.get_xlim() == (0, 6)  # the whole horizon, so the axes stay put
        assert [len(line.get_xdata()) for line in ax.get_lines()[:series]] == [3] * series
    html = app.summary_html(model)
    assert "scenario</b> subsidy_infrastructure" in html
    assert "Quarter 2 of 6" in html
    assert "Antitrust clarity: 0.70" in html
    assert "USD 250 m a quarter" in html and "robotics" in html
    assert "National alliance: none" in html


def test_entry_serves_this_app_with_solara_and_prints_the_url(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(app.os, "execve", lambda *args: calls.append(args))
    app.entry(["--port", "0", "--host", "127.0.0.1"])
    ((executable, argv, env),) = calls
    assert executable == sys.executable
    assert argv[1:5] == ["-m", "solara", "run", str(ROOT / "sim" / "dashboard" / "__init__.py")]
    port = argv[argv.index("--port") + 1]
    assert int(port) > 0 and "--no-open" in argv and "--no-check-version" in argv
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert f"http://127.0.0.1:{port}/" in capsys.readouterr().out


# --- the real app in a headless browser -------------------------------------------------------
def _server_url(log: Path, server: subprocess.Popen, timeout: float) -> str:
    """Wait for the URL ``entry`` prints, then until the server answers on it."""
    deadline = time.monotonic() + timeout
    url = None
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited ({server.returncode}):\n{log.read_text()}")
        if url is None:
            found = re.search(r"alliancesim dashboard: (http://\S+)", log.read_text())
            url = found.group(1) if found else None
        if url is not None:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return url
            except OSError:
                pass
        time.sleep(0.3)
    raise AssertionError(f"the server did not answer within {timeout:.0f} s:\n{log.read_text()}")


def _stop(server: subprocess.Popen) -> None:
    """Stop the server we started (its own process group), for sure."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def _changed_image(locator, before: bytes, timeout: float) -> bytes:
    """Wait until the element's pixels differ from ``before``; return the new ones."""
    deadline = time.monotonic() + timeout
    while True:
        now = locator.screenshot()
        if now != before or time.monotonic() > deadline:
            return now
        time.sleep(0.25)


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
)
@pytest.mark.timeout(150)
def test_the_dashboard_in_headless_chromium(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)

    log = tmp_path / "server.log"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "PYTHONUNBUFFERED": "1"}
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-c", "from sim.dashboard import entry; entry()", "--port", "0"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group, so _stop reaches everything
        )
    try:
        url = _server_url(log, server, timeout=60)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(30_000)
                failed: list[str] = []
                page.on("pageerror", lambda error: failed.append(f"page error: {error}"))
                _use_the_dashboard(page, expect, url, tmp_path)
                assert not failed, failed
            finally:
                browser.close()
        assert "Traceback" not in log.read_text(), log.read_text()
    finally:
        _stop(server)


def _control(page, label: str):
    """The Vuetify input (a select or a slider) whose label is exactly ``label``."""
    exact = page.locator("label", has_text=re.compile(f"^{re.escape(label)}$"))
    return page.locator(".v-input").filter(has=exact)


def _use_the_dashboard(page, expect, url: str, tmp_path: Path) -> None:
    """Load, choose a scenario, move a slider, reset, step; check what the user sees."""
    sidebar_steps = page.get_by_text(re.compile(r"^Step: \d+$"))
    scenario = _control(page, "Scenario")
    summary = page.locator(".alliancesim-summary")
    network = page.locator(".alliancesim-network img")
    shares = page.locator(".alliancesim-shares img")
    gap = page.locator(".alliancesim-gap img")

    # 1. the page loads with its controls and panels
    page.goto(url)
    expect(page.get_by_text("Model Parameters")).to_be_visible(timeout=45_000)
    for label in ("Mandate strength", "Antitrust clarity", "Subsidy (USD m/quarter)", "Seed"):
        expect(_control(page, label).locator("[role=slider]")).to_have_count(1)
    for label in ("World", "Scenario", "Subsidy focus"):
        expect(_control(page, label)).to_have_count(1)
    for name in ("Reset", "Step"):
        expect(page.get_by_role("button", name=name)).to_be_enabled()
    for image in (network, shares, gap):
        expect(image).to_be_visible()
    expect(summary).to_contain_text("Quarter 0 of 40")
    expect(summary).to_contain_text("scenario baseline")
    expect(sidebar_steps).to_have_text("Step: 0")

    # 2. choose a scenario and move the mandate slider; Reset builds the model with them
    scenario.click()
    page.locator(".menuable__content__active .v-list-item", has_text="antitrust_guidance").click()
    expect(scenario).to_contain_text("antitrust_guidance")
    slider = _control(page, "Mandate strength").locator("[role=slider]")
    expect(slider).to_have_attribute("aria-valuenow", "0")
    slider.focus()
    for _ in range(5):
        slider.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuenow", "0.5")
    expect(summary).to_contain_text("National alliance: none")  # not applied before Reset
    page.get_by_role("button", name="Reset").click()
    expect(summary).to_contain_text("scenario antitrust_guidance")
    expect(summary).to_contain_text("mandate strength: 0.50")
    expect(summary).to_contain_text("Antitrust clarity: 0.90")  # the scenario's own lever
    expect(summary).to_contain_text("Quarter 0 of 40")
    before = {
        "network": network.screenshot(),
        "shares": shares.screenshot(),
        "gap": gap.screenshot(),
    }
    first = tmp_path / "dashboard_after_reset.png"
    page.screenshot(path=str(first), full_page=True)

    # 3. Step advances the model, and the plots change
    for quarter in (1, 2, 3):
        page.get_by_role("button", name="Step").click()
        expect(sidebar_steps).to_have_text(f"Step: {quarter}")
    expect(summary).to_contain_text("Quarter 3 of 40")
    for name, locator in (("network", network), ("shares", shares), ("gap", gap)):
        after = _changed_image(locator, before[name], timeout=15)
        assert after != before[name], f"the {name} panel did not change after stepping"
        (tmp_path / f"panel_{name}_after_steps.png").write_bytes(after)

    # 4. Play runs quarters by itself until paused
    page.get_by_role("button", name="▶").click()
    expect(sidebar_steps).to_have_text(re.compile(r"^Step: ([6-9]|\d\d)$"))
    page.get_by_role("button", name="❚❚").click()
    expect(page.get_by_role("button", name="Step")).to_be_enabled()
    expect(summary).not_to_contain_text("Quarter 3 of 40")
    shot = tmp_path / "dashboard_after_steps.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"\ndashboard screenshots: {first} and {shot}")
