"""What ``saihan sample`` puts into the inbox: the bundled demo data, or real files from a folder.

Bundled: real published material (the white paper's facts and national indicator values) and,
where the project may not ship or no public data exists, generated sample deliveries that say so
in every row (``データ区分 = サンプル``): police crime open data in the real format
(``data/sample/crime``), local-plan status per government, subsidy records, per-prefecture
indicators. Third-party files (the real police open data) are not bundled: ``saihan sample
--from DIR`` copies them from wherever they are, e.g. ``../shared/data/crime-open-data``.
Copies are byte-identical and idempotent: a file already in the inbox is left alone.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from warehouse import resources
from warehouse.files import is_candidate
from warehouse.settings import Settings

DATA_DIR = resources.root() / "data"
# (folder in the repository, glob, folder under the inbox)
BUNDLED: tuple[tuple[str, str, str], ...] = (
    ("published", "*.csv", "published"),
    # Generated examples where the project may not ship real data or none is public, marked
    # データ区分=サンプル in every row (data/sample/generate_crime_sample.py,
    # data/sample/generate_sample.py); they reconcile with the white paper's totals.
    ("sample/crime", "*.csv", "sample/crime"),
    ("sample", "*.csv", "sample"),
    ("sample", "*.xlsx", "sample"),
)
# The kinds of file a run reads; anything else in a --from folder (READMEs, licences) is left.
DATA_SUFFIXES = frozenset({".csv", ".tsv", ".xlsx", ".xlsm", ".json"})


def bundled_files(data_dir: Path = DATA_DIR) -> list[tuple[Path, str]]:
    """Every bundled file with its place under the inbox."""
    files = []
    for folder, pattern, target in BUNDLED:
        for path in sorted((data_dir / folder).glob(pattern)):
            files.append((path, f"{target}/{path.name}"))
    return files


def folder_files(source: Path) -> list[tuple[Path, str]]:
    """Every data file under ``source`` with its place under the inbox: ``<folder name>/<path
    inside it>``, so subfolders (e.g. one per prefecture and year) are kept."""
    source = Path(source)
    if not source.is_dir():
        raise FileNotFoundError(f"{source}: no such folder")
    return [
        (path, f"{source.resolve().name}/{path.relative_to(source).as_posix()}")
        for path in sorted(source.rglob("*"))
        if path.is_file() and path.suffix.lower() in DATA_SUFFIXES
        and all(is_candidate(Path(part)) for part in path.relative_to(source).parts)
    ]


def copy_files(settings: Settings, files: list[tuple[Path, str]]) -> list[Path]:
    """Copy files to their places under the inbox; return the ones that were new or changed."""
    copied = []
    for source, relative in files:
        target = settings.inbox / relative
        if target.exists() and filecmp.cmp(source, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        target.chmod(0o644)
        copied.append(target)
    return copied


def copy_sample(settings: Settings, data_dir: Path = DATA_DIR) -> list[Path]:
    """Copy the bundled files into the inbox; return the ones that were new or changed."""
    return copy_files(settings, bundled_files(data_dir))


def copy_from(settings: Settings, source: Path) -> list[Path]:
    """Copy the data files under ``source`` into the inbox, keeping its subfolders; return the
    ones that were new or changed."""
    return copy_files(settings, folder_files(source))
