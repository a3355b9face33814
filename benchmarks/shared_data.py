"""Where the benchmarks find the real Hokkaido police files: in ``../shared/data`` beside the
checkout (or ``$SAIHAN_SHARED_DATA``), read in place; the project keeps no copy."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def hokkaido_dir() -> Path:
    """The real Hokkaido 2018 files, where they are handed over; exits saying so when absent."""
    shared = Path(os.environ.get("SAIHAN_SHARED_DATA") or ROOT.parent / "shared" / "data")
    folder = shared / "crime-open-data" / "hokkaido-2018"
    if not sorted(folder.glob("*.csv")):
        sys.exit(f"the real Hokkaido police files are not at {folder}; they live in "
                 "../shared/data beside the checkout (or set SAIHAN_SHARED_DATA)")
    return folder


def geo_dir() -> Path:
    """The public municipal boundary files (../shared/data/geo); exits saying so when absent."""
    shared = Path(os.environ.get("SAIHAN_SHARED_DATA") or ROOT.parent / "shared" / "data")
    folder = shared / "geo"
    if not (folder / "digital-agency-2025" / "ja_municipality_area.json").is_file():
        sys.exit(f"the public boundary files are not at {folder}; they live in ../shared/data "
                 "beside the checkout (or set SAIHAN_SHARED_DATA)")
    return folder
