"""Where the files that ship with saihan are found: SQL, reference data, boundaries, bundled data.

In a checkout they are the top-level ``sql/`` and ``data/`` folders; in an installed wheel the
same folders are packaged as ``warehouse/_bundled/sql`` and ``warehouse/_bundled/data``
(``pyproject.toml``, ``force-include``). Everything that reads a shipped file asks this module,
so an installed wheel runs as the checkout does. A missing folder is an error, never an empty
list of models.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE_DIR / "_bundled"
_CHECKOUT = _PACKAGE_DIR.parent


class MissingResource(RuntimeError):
    """A folder that ships with saihan is not where it should be (a broken install)."""


def root() -> Path:
    """The folder holding ``sql/`` and ``data/``: the wheel's bundle, else the checkout."""
    return _BUNDLED if (_BUNDLED / "sql").is_dir() else _CHECKOUT


def _folder(*parts: str) -> Path:
    path = root().joinpath(*parts)
    if not path.is_dir():
        raise MissingResource(
            f"{path} is missing: saihan's installation is incomplete. Reinstall the package "
            "(or run from a complete checkout)."
        )
    return path


def sql_dir() -> Path:
    """``sql/``: migrations, models and data tests."""
    return _folder("sql")


def data_dir() -> Path:
    """``data/``: reference lists, published facts, sample deliveries and boundaries."""
    return _folder("data")


def reference_dir() -> Path:
    """``data/reference``: prefectures, local governments and subsidy menus."""
    return _folder("data", "reference")


def geo_dir() -> Path:
    """``data/geo``: the prefecture boundaries and the tile grid."""
    return _folder("data", "geo")


def dashboard_app() -> Path:
    """The Streamlit entry file of the installed ``dashboard`` package."""
    return _CHECKOUT / "dashboard" / "app.py"


def code_fingerprint(sql: Path, reference: Path) -> str:
    """A hash of everything a build reads besides raw data: SQL files and reference seeds
    (plain Python, so that a no-op run can compare it before DuckDB is imported)."""
    digest = hashlib.sha256()
    for path in sorted([*sql.rglob("*.sql"), *reference.glob("*.csv")]):
        digest.update(str(path.relative_to(path.parents[1])).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
