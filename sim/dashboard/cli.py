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


def check_port(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot serve the dashboard (out of range, in use, no such host), or None.

    Reason: a port in use made solara fail after the URL was printed (another server's URL),
    and 99999 ended in a traceback (a newcomer's walkthrough, 2026-12-06). The probe binds
    as the server will (``SO_REUSEADDR``, as uvicorn does), so a port another server listens
    on is refused here and one left in TIME_WAIT is not.
    """
    if not 0 <= port <= 65535:
        return f"--port={port} is out of range; allowed: 0 to 65535 (0: any free port)"
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as error:
            reason = error.strerror or str(error)
            return (
                f"--host={host} --port={port}: cannot listen there ({reason}); allowed: a free "
                "port on an interface of this machine (--port 0: any free port)"
            )
    return None


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
    problem = check_port(args.host, args.port)
    if problem:
        parser.exit(2, f"alliancesim-dashboard: error: {problem}\n")
    port = args.port or free_port(args.host)
    command = solara_command(args.host, port, args.open)
    env = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", **os.environ}
    print(f"alliancesim dashboard: http://{args.host}:{port}/  (Ctrl-C stops it)", flush=True)
    os.execve(sys.executable, command, env)
