"""Findings of a delivery that need what is already loaded: new police stations and unknown
codes in a crime file; rows of indicators, subsidy records or local plans that differ from a
current earlier delivery (which one now wins, and what changed).

They are worked out by :func:`warehouse.load.load_parsed` inside the load transaction, beside
the parser's own findings (:mod:`warehouse.ingest` reads bytes only and never sees DuckDB).
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from warehouse.errors import Finding
from warehouse.ingest.contract import Parsed
from warehouse.ingest.programme.rules import ROW_RULES


def context_findings(
    con: duckdb.DuckDBPyConnection, parsed: Parsed, file_id: int
) -> list[Finding]:
    """Findings that need what is already loaded: new police stations, unknown codes, rows
    that differ from an earlier delivery of indicators, subsidy records or local plans."""
    if parsed.source_kind == "crime_open_data":
        return _crime_findings(con, parsed, file_id)
    return _programme_findings(con, parsed, file_id)


def _crime_findings(
    con: duckdb.DuckDBPyConnection, parsed: Parsed, file_id: int
) -> list[Finding]:
    """A crime file's: police stations seen for the first time in its prefecture, valid codes
    that are not in the local-government list."""
    findings = []
    frame = parsed.frame
    pref_code = parsed.identity.pref_code
    stations = set(frame["police_station"].drop_nulls().unique().to_list())
    known = {row[0] for row in con.execute(
        "select police_station from raw.police_station_seen where pref_code = ?", [pref_code]
    ).fetchall()}
    new_stations = sorted(stations - known)
    if new_stations:
        con.executemany("insert into raw.police_station_seen values (?, ?, ?)",
                        [[pref_code, station, file_id] for station in new_stations])
    if new_stations and known:
        findings.append(Finding(
            "new_police_station",
            f"{len(new_stations)} police station(s) seen for the first time in this prefecture: "
            + ", ".join(new_stations[:10]),
            count=len(new_stations), severity="info", column="管轄警察署（発生地）",
        ))
    listed = pl.Series(
        [row[0] for row in con.execute("select lg_code from ref.local_government").fetchall()],
        dtype=pl.String,
    )
    unknown = (
        frame.filter(pl.col("lg_code_status").is_in(["ok", "repaired"])
                     & ~pl.col("lg_code").is_in(listed.implode()))
        .group_by("lg_code").agg(n=pl.len(), first_line=pl.col("line_number").min())
        .sort("first_line")
    )
    if unknown.height:
        total = int(unknown["n"].sum())
        findings.append(Finding(
            "unknown_lg_code",
            f"{total} line(s) with a 市区町村コード that is valid but not in the local-government "
            f"list (e.g. {', '.join(unknown['lg_code'].head(5).to_list())}); kept, counted "
            "under the name as written",
            line=int(unknown["first_line"][0]), column="市区町村コード（発生地）", count=total,
        ))
    return findings


def _shown(value: object) -> str:
    """A value as a message shows it: dates as 'YYYY-MM-DD', the rest as written in Python."""
    return repr(value.isoformat()) if isinstance(value, date) else repr(value)


def _programme_findings(
    con: duckdb.DuckDBPyConnection, parsed: Parsed, file_id: int
) -> list[Finding]:
    """Rows of this delivery that overlap a current earlier delivery with different content:
    which delivery now wins (real over sample, then the later one) and what changed."""
    rule = ROW_RULES.get(parsed.raw_table)
    if rule is None:
        return []
    key, compared, label = rule
    table = parsed.raw_table  # from the allowlist above
    on = " and ".join(f"n.{c} is not distinct from o.{c}" for c in key)
    differs = " or ".join(f"n.{c} is distinct from o.{c}" for c in compared)
    rows = con.execute(
        f"select n.line_number, o.line_number, f.file_name, f.is_sample, n.{label}, "
        f"{', '.join(f'o.{c}, n.{c}' for c in compared)} "
        f"from raw.{table} as n join raw.{table} as o on {on} "
        "join raw.file as f on f.file_id = o.file_id "
        "where n.file_id = ? and o.file_id <> ? and (f.status = 'loaded' or f.superseded_by = ?) "
        f"and ({differs}) order by n.line_number",
        [file_id, file_id, file_id],
    ).fetchall()
    if not rows:
        return []
    earlier_files = sorted({r[2] for r in rows})
    wins = [r for r in rows if not (parsed.is_sample and not r[3])]
    loses = len(rows) - len(wins)
    first = rows[0]
    changes = []
    for position, column in enumerate(compared):
        old, new = first[5 + 2 * position], first[6 + 2 * position]
        if old != new:
            changes.append(f"{column} {_shown(old)} -> {_shown(new)}")
    message = (
        f"{len(rows)} row(s) differ from the earlier delivery {', '.join(earlier_files[:3])} "
        f"(e.g. line {first[0]}, {first[4]}: {'; '.join(changes)}). "
    )
    if wins:
        message += f"This delivery is used for {len(wins)} of them"
    if loses:
        message += ("; " if wins else "") + f"the earlier real data is kept for {loses} of them " \
            "(sample data never replaces real data)"
    return [Finding("conflicts_with_earlier_delivery", message + ".", line=first[0],
                    count=len(rows))]
