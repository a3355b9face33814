"""The bundled data that ``saihan sample`` puts into the inbox for the demo.

Real published material (the white paper's facts and national indicator values, the Hokkaido
police open data) and, where no public data exists, generated sample deliveries (local-plan status
per government, subsidy records, per-prefecture indicators) that say so in every row. Copies are
byte-identical and idempotent: a file already in the inbox is left alone.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from warehouse import resources
from warehouse.settings import Settings

DATA_DIR = resources.root() / "data"
# (folder in the repository, glob, folder under the inbox)
BUNDLED: tuple[tuple[str, str, str], ...] = (
    ("published", "*.csv", "published"),
    ("crime-open-data/hokkaido-2018", "*.csv", "crime/hokkaido-2018"),
    # Generated examples where no public data exists, marked データ区分=サンプル in every row
    # (data/sample/generate_sample.py); they reconcile with the white paper's totals.
    ("sample", "*.csv", "sample"),
    ("sample", "*.xlsx", "sample"),
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
