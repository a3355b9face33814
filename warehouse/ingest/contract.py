"""What a reader hands to the load: the rows of one file and the typed identity of its dataset.

A delivery's identity is a :class:`DatasetIdentity` (source kind, prefecture, modus, data year,
scope, sample or real), stored as columns of ``raw.file``. A later delivery with the same
identity supersedes the earlier one. Nothing splits a key string apart: :attr:`~DatasetIdentity.
key` is only a readable label for reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from warehouse.errors import Finding

# The short name a kind's label starts with, where it is not the kind itself.
LABEL_OF_KIND = {"crime_open_data": "crime", "subsidy_records": "subsidy"}


@dataclass(frozen=True)
class DatasetIdentity:
    """Which dataset a delivery is a version of (a later one with the same identity supersedes).

    ``scope`` names what else bounds the dataset where prefecture, modus and year do not: the
    publication of a facts file, the e-Stat table and its narrowing, the editions,
    prefectures, periods and indicators an indicator file covers, the fiscal years and
    prefectures of subsidy records, the as-of date and prefectures of a plan list."""

    kind: str  # the source kind: crime_open_data, published_facts, indicators, ...
    pref_code: str | None = None  # one prefecture (2-digit JIS code); None when several or none
    modus: str | None = None  # crime open data: 手口 as in the data (e.g. 自転車盗)
    data_year: int | None = None  # crime open data: the year the file reports
    scope: str | None = None
    is_sample: bool = False  # generated sample data never supersedes real data, nor the reverse

    @property
    def key(self) -> str:
        """A readable label for reports and ``raw.file.dataset_key``, e.g.
        ``crime/01/自転車盗/2018``, ``subsidy/2024/all``, ``sample/local_plans/2024-04-01/01``.

        The kind's short name, then the scope when there is one (a programme file's scope names
        its prefecture part itself, which may be several prefectures), else the prefecture,
        modus and year. Nothing parses it back."""
        if self.scope is None:
            parts = [self.pref_code, self.modus,
                     None if self.data_year is None else str(self.data_year)]
        else:
            parts = [self.scope]
        label = "/".join([LABEL_OF_KIND.get(self.kind, self.kind), *(p for p in parts if p)])
        return f"sample/{label}" if self.is_sample else label


@dataclass
class Parsed:
    """A file that parsed completely: its rows for one raw table and what identifies it."""

    identity: DatasetIdentity
    raw_table: str  # a table in the raw schema (fixed by the source kind, never from input)
    frame: pl.DataFrame
    encoding: str | None = None
    delimiter: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def source_kind(self) -> str:
        """The source kind of the delivery."""
        return self.identity.kind

    @property
    def is_sample(self) -> bool:
        """Whether the delivery is generated sample data."""
        return self.identity.is_sample

    @property
    def dataset_key(self) -> str:
        """The identity's readable label."""
        return self.identity.key


@dataclass(frozen=True)
class SourceKind:
    """A kind of input file: how to recognise it and how to parse it."""

    name: str
    description: str
    matches: Callable[[list[str]], bool]
    parse: Callable[[Path, bytes], Parsed]
    # Whether the header may sit below a title row (searched in the first rows of the file).
    finds_header: bool = False
