"""The console script (sim/dashboard/cli.py): ``alliancesim-dashboard`` serves the page."""

from __future__ import annotations

import socket
import sys
import tomllib
from pathlib import Path

import sim.dashboard
from sim.dashboard import cli

ROOT = Path(__file__).resolve().parents[2]


def test_entry_serves_the_page_with_solara_and_prints_the_url(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(cli.os, "execve", lambda *args: calls.append(args))
    cli.entry(["--port", "0", "--host", "127.0.0.1"])
    ((executable, argv, env),) = calls
    assert executable == sys.executable
    assert argv[1:5] == ["-m", "solara", "run", str(ROOT / "sim" / "dashboard" / "app.py")]
    port = argv[argv.index("--port") + 1]
    assert int(port) > 0 and "--no-open" in argv and "--no-check-version" in argv
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert f"http://127.0.0.1:{port}/" in capsys.readouterr().out


def test_the_command_serves_the_page_module_in_production_mode():
    assert cli.APP_PATH.is_file() and cli.APP_PATH.name == "app.py"
    command = cli.solara_command("0.0.0.0", 8080, open_browser=True)
    assert command[:5] == [sys.executable, "-m", "solara", "run", str(cli.APP_PATH)]
    assert command[5:] == [
        "--host",
        "0.0.0.0",
        "--port",
        "8080",
        "--production",
        "--no-check-version",
        "--open",
    ]


def test_free_port_is_free():
    port = cli.free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # raises if it were taken


def test_the_console_script_is_the_packages_entry():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["alliancesim-dashboard"] == "sim.dashboard:entry"
    assert sim.dashboard.entry is cli.entry
    assert sim.dashboard.APP_PATH == cli.APP_PATH
