"""The console script ``alliancesim-dashboard``: serve the dashboard with ``solara run``."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

APP_PATH = Path(__file__).resolve().with_name("app.py")  # the page that ``solara run`` serves


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` now.

    Args:
        host: Interface to bind to.

    Returns:
        The port number the operating system chose.
    """
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def solara_command(host: str, port: int, open_browser: bool = False) -> list[str]:
    """The ``solara run`` command line that serves the dashboard's page (:data:`APP_PATH`).

    Args:
        host: Interface to listen on.
        port: TCP port.
        open_browser: Open the user's web browser once the server is up.

    Returns:
        The argv list (the current Python runs solara's CLI).
    """
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(APP_PATH),
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-check-version",  # no call to PyPI on start
        "--open" if open_browser else "--no-open",
    ]


def entry(argv: Sequence[str] | None = None) -> None:
    """Console script ``alliancesim-dashboard``: serve the dashboard and print its URL.

    Replaces this process with ``solara run sim/dashboard/app.py`` (so stopping this process
    stops the server). Solara's usage telemetry is off unless
    ``SOLARA_TELEMETRY_MIXPANEL_ENABLE`` says otherwise.

    Args:
        argv: Command-line arguments (``sys.argv[1:]`` by default).
    """
    parser = argparse.ArgumentParser(
        prog="alliancesim-dashboard",
        description="Serve the alliancesim dashboard (Mesa SolaraViz) in the browser.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = free)")
    parser.add_argument("--open", action="store_true", help="open a web browser on it")
    args = parser.parse_args(argv)
    port = args.port or free_port(args.host)
    command = solara_command(args.host, port, args.open)
    env = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", **os.environ}
    print(f"alliancesim dashboard: http://{args.host}:{port}/  (Ctrl-C stops it)", flush=True)
    os.execve(sys.executable, command, env)
