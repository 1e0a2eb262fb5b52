"""Run the calibration: ``python -m sim.calibration [--seeds N] [--out DIR] ...``."""

import sys

from sim.calibration.cli import main

if __name__ == "__main__":
    sys.exit(main())
