"""The bundled data that ``saihan sample`` puts into the inbox for the demo.

Real published material only: the white paper's facts and the Hokkaido police open data.
Copies are byte-identical and idempotent: a file already in the inbox is left alone.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from warehouse.settings import PROJECT_ROOT, Settings

DATA_DIR = PROJECT_ROOT / "data"
# (folder in the repository, glob, folder under the inbox)
BUNDLED: tuple[tuple[str, str, str], ...] = (
    ("published", "*.csv", "published"),
    ("crime-open-data/hokkaido-2018", "*.csv", "crime/hokkaido-2018"),
)


def bundled_files(data_dir: Path = DATA_DIR) -> list[tuple[Path, str]]:
    """Every bundled file with its place under the inbox."""
    files = []
    for folder, pattern, target in BUNDLED:
        for path in sorted((data_dir / folder).glob(pattern)):
            files.append((path, f"{target}/{path.name}"))
    return files


def copy_sample(settings: Settings, data_dir: Path = DATA_DIR) -> list[Path]:
    """Copy the bundled files into the inbox; return the ones that were new or changed."""
    copied = []
    for source, relative in bundled_files(data_dir):
        target = settings.inbox / relative
        if target.exists() and filecmp.cmp(source, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        target.chmod(0o644)
        copied.append(target)
    return copied
