"""Normalisation: dates, hours and local-government codes parsed from the cells, and the
file's identity (modus, prefecture, data year) told from its rows."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.errors import Finding, reject
from warehouse.ingest.crime.findings import count_findings
from warehouse.ingest.crime.format import (
    FRAME_SCHEMA,
    FULLWIDTH,
    HALFWIDTH,
    MODI,
    MODUS_BY_KEY,
    YEAR_IN_NAME,
    match_key,
    pref_by_name,
)
from warehouse.reference import check_digit_of, prefecture_names


def _digits(expr: pl.Expr) -> pl.Expr:
    """Full-width digits and separators to ASCII (for parsing only)."""
    return expr.str.replace_many(FULLWIDTH, HALFWIDTH).str.strip_chars()


def _date_expr(raw: pl.Expr) -> pl.Expr:
    s = _digits(raw)
    time = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
    patterns = [
        rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){time}$",
        r"^(\d{4})(\d{2})(\d{2})$",
        r"^(\d{4})年(\d{1,2})月(\d{1,2})日$",
    ]
    parts = [
        pl.coalesce(s.str.extract(p, g) for p in patterns).str.zfill(2 if g > 1 else 4)
        for g in (1, 2, 3)
    ]
    return pl.concat_str(parts, separator="-").str.to_date("%Y-%m-%d", strict=False)


def _hour_expr(raw: pl.Expr) -> pl.Expr:
    return _digits(raw).str.strip_suffix("時").str.extract(r"^(\d{1,2})$", 1).cast(pl.Int16)


def _lg_code_exprs(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    s = _digits(raw)
    is_digits = s.str.contains(r"^\d+$")
    candidate = (
        pl.when(is_digits & (s.str.len_chars() == 6))
        .then(s)
        .when(is_digits & (s.str.len_chars() == 5) & ~s.str.starts_with("0"))
        .then(pl.concat_str(pl.lit("0"), s))
    )
    digit = [candidate.str.slice(i, 1).cast(pl.Int32) for i in range(6)]
    pref = candidate.str.slice(0, 2).cast(pl.Int32)
    valid = (check_digit_of(digit[:5]) == digit[5]) & pref.is_between(1, 47)
    status = (
        pl.when(raw.is_null())
        .then(pl.lit("blank"))
        .when(valid & (s.str.len_chars() == 6))
        .then(pl.lit("ok"))
        .when(valid)
        .then(pl.lit("repaired"))
        .otherwise(pl.lit("invalid"))
    )
    code = pl.when(valid.fill_null(False)).then(candidate)
    return code, status


def _derive(frame: pl.DataFrame, source: str, **exprs: pl.Expr) -> pl.DataFrame:
    """Add columns computed from ``source`` on its distinct values only, joined back in order."""
    lookup = frame.select(pl.col(source).unique()).with_columns(**exprs)
    return frame.join(lookup, on=source, how="left", nulls_equal=True, maintain_order="left")


def _first_line(frame: pl.DataFrame, mask: pl.Expr) -> int | None:
    hit = frame.filter(mask)
    return int(hit["line_number"][0]) if hit.height else None


def data_year_of(path: Path, years: pl.Series, findings: list[Finding]) -> int:
    """The year a crime file's data is for, told from its occurrence dates.

    A file holds the incidents *recorded* in one year, so most occur in that year and some in
    earlier ones (in the real Hokkaido 2018 files up to 3 % of the dates fall in 2011-2017;
    none is later). The year the data shows is therefore the most common occurrence year among
    the readable dates (不明 and blanks do not count; a tie goes to the later year). A year in
    the file name is used only when it is that year, or when no date is readable; otherwise
    it is ignored and a finding says so, so that a copy renamed to another year or to a
    download date supersedes the file it copies instead of counting its incidents twice.
    """
    match = YEAR_IN_NAME.search(path.name)
    named = int(match.group(1)) if match else None
    if not years.len():
        if named is None:
            raise reject(
                path, "no_data_year",
                column="発生年月日（始期）",
            )
        return named
    shown = int(years.mode().sort()[-1])
    share = int(round(100 * (years == shown).sum() / years.len()))
    if named is None:
        findings.append(Finding(
            "data_year_from_dates",
            f"the file name carries no year; data year {shown} is the most common "
            f"occurrence year ({share} % of the readable dates)",
            severity="info",
        ))
    elif named != shown:
        findings.append(Finding(
            "data_year_name_ignored",
            f"the file name says {named} but the occurrence dates show {shown} "
            f"({share} % of the readable dates); the name was ignored and the file loaded as "
            f"data year {shown}",
            column="発生年月日（始期）",
        ))
    return shown


def normalise(
    path: Path, frame: pl.DataFrame, findings: list[Finding]
) -> tuple[pl.DataFrame, str, str, int]:
    # Dates, hours and codes take few distinct values: parse each distinct value once.
    code, status = _lg_code_exprs(pl.col("lg_code_raw"))
    hour = _hour_expr(pl.col("occurred_hour_raw"))
    frame = _derive(frame, "lg_code_raw", lg_code=code, lg_code_status=status)
    frame = _derive(frame, "occurred_on_raw", occurred_on=_date_expr(pl.col("occurred_on_raw")))
    frame = _derive(
        frame,
        "occurred_hour_raw",
        occurred_hour=pl.when(hour.is_between(0, 23)).then(hour).cast(pl.Int8),
        _hour_int=hour,
    )
    frame = frame.with_columns(
        pl.lit(None, dtype=FRAME_SCHEMA[name]).alias(name)
        for name in FRAME_SCHEMA
        if name not in frame.columns
    )

    # identity: modus
    distinct = frame["modus"].drop_nulls().unique(maintain_order=True).to_list()
    canonical = {v: MODUS_BY_KEY.get(match_key(v)) for v in distinct}
    unknown = [v for v, m in canonical.items() if m is None]
    if not distinct:
        raise reject(
            path, "modus_empty",
            column="手口",
        )
    if unknown:
        line = _first_line(frame, pl.col("modus") == unknown[0])
        raise reject(
            path, "modus_unknown", value=repr(unknown[0]), modi="、".join(MODI),
            line=line,
            column="手口",
        )
    modi = list(dict.fromkeys(canonical[v] for v in distinct))
    if len(modi) > 1:
        other = [v for v in distinct if canonical[v] != modi[0]][0]
        line = _first_line(frame, pl.col("modus") == other)
        raise reject(
            path, "modus_mixed", other=repr(other), first=repr(modi[0]),
            line=line,
            column="手口",
            details=[f"modus found: {', '.join(modi)}"],
        )
    modus = modi[0]
    blank_modus = frame.filter(pl.col("modus").is_null()).height
    if blank_modus:
        findings.append(
            Finding(
                "blank_modus",
                f"{blank_modus} line(s) with an empty 手口",
                line=_first_line(frame, pl.col("modus").is_null()),
                column="手口",
                count=blank_modus,
            )
        )

    # identity: prefecture
    names = frame["prefecture_name"].drop_nulls().unique(maintain_order=True).to_list()
    pref_of = {n: pref_by_name().get(match_key(n)) for n in names}
    bad_names = [n for n, c in pref_of.items() if c is None]
    if bad_names:
        line = _first_line(frame, pl.col("prefecture_name") == bad_names[0])
        raise reject(
            path, "prefecture_unknown", value=repr(bad_names[0]),
            line=line,
            column="都道府県（発生地）",
        )
    codes = list(dict.fromkeys(pref_of[n] for n in names))
    if not codes:  # fall back to the local-government codes
        codes = frame["lg_code"].drop_nulls().str.slice(0, 2).unique(maintain_order=True).to_list()
        if len(codes) > 1:
            line = _first_line(frame, pl.col("lg_code").str.slice(0, 2) == codes[1])
            raise reject(
                path, "lg_code_other_prefecture", other=codes[1], first=codes[0],
                line=line,
                column="市区町村コード（発生地）",
            )
    if not codes:
        raise reject(
            path, "prefecture_empty",
            column="都道府県（発生地）",
        )
    if len(codes) > 1:
        other = [n for n in names if pref_of[n] != codes[0]][0]
        line = _first_line(frame, pl.col("prefecture_name") == other)
        raise reject(
            path, "prefecture_mixed", other=repr(other), first=repr(prefecture_names()[codes[0]]),
            line=line,
            column="都道府県（発生地）",
        )
    pref_code = codes[0]
    foreign = frame.filter(pl.col("lg_code").str.slice(0, 2) != pref_code)
    if foreign.height:
        findings.append(
            Finding(
                "lg_code_other_prefecture",
                f"{foreign.height} line(s) with a 市区町村コード of another prefecture than "
                f"{prefecture_names()[pref_code]} (e.g. {foreign['lg_code_raw'][0]})",
                line=int(foreign["line_number"][0]),
                column="市区町村コード（発生地）",
                count=foreign.height,
            )
        )

    # identity: data year
    data_year = data_year_of(path, frame["occurred_on"].dt.year().drop_nulls(), findings)

    count_findings(frame, findings, data_year)
    return frame.select(FRAME_SCHEMA.keys()).cast(FRAME_SCHEMA), pref_code, modus, data_year
