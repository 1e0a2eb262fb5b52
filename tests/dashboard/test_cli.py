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


def test_a_port_in_use_or_out_of_range_is_refused_in_one_line_before_any_url(monkeypatch, capsys):
    """A newcomer's walkthrough (2026-12-06): a port in use printed the URL (another server's)
    and then failed inside solara; --port 99999 ended in a traceback. Both are now refused
    in one line, exit status 2, before anything is printed or started."""
    import pytest

    calls = []
    monkeypatch.setattr(cli.os, "execve", lambda *args: calls.append(args))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        for argv, words in (
            (["--port", str(taken)], f"--host=127.0.0.1 --port={taken}: cannot listen there"),
            (["--port", "99999"], "--port=99999 is out of range; allowed: 0 to 65535"),
        ):
            with pytest.raises(SystemExit) as stop:
                cli.entry(argv)
            out, err = capsys.readouterr()
            assert stop.value.code == 2 and not out and not calls
            assert err.startswith(f"alliancesim-dashboard: error: {words}")
            assert len(err.strip().splitlines()) == 1
