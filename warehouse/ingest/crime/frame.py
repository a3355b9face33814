"""Cells to frame: drop index columns, collapse a table repeated side by side, map the
header to the frame's columns."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.errors import Finding, reject
from warehouse.ingest.crime.format import (
    HEADER_BY_KEY,
    HEADER_TO_FIELD,
    INDEX_HEADER,
    REQUIRED_KEYS,
    header_key,
)


def to_frame(
    path: Path,
    header: list[str],
    body: pl.DataFrame,
    findings: list[Finding],
    *,
    trimmed: bool = False,
) -> tuple[pl.DataFrame, list[str]]:
    """Drop index columns, collapse a side-by-side duplicate, map headers to frame columns."""
    original = list(header)
    header = [h.lstrip("\ufeff").strip() for h in header]
    keys = [header_key(h) for h in header]
    cols = [f"c{i}" for i in range(len(header))]

    # strip values; empty -> null; drop lines that are blank or only delimiters
    if not trimmed:  # (stripping every cell is the costly part of this step)
        body = body.with_columns(
            pl.col(c).str.strip_chars(" \t\r\n\u3000").replace("", None) for c in cols
        )
    # A blank line has every cell null, the first among them: only when some first cell is
    # null is every cell of every line looked at.
    blank = None
    if cols and body.get_column(cols[0]).null_count():
        blank = body.select(pl.all_horizontal(pl.col(c).is_null() for c in cols)).to_series()
    if blank is not None and blank.any():
        blank_rows = body.filter(blank)
        body = body.filter(~blank)
        findings.append(
            Finding(
                "blank_rows",
                f"{blank_rows.height} empty line(s) skipped",
                line=int(blank_rows["line_number"][0]),
                count=blank_rows.height,
                severity="info",
            )
        )

    # unnamed index columns ('' or 'Unnamed: 0' headers)
    index_cols = [i for i, k in enumerate(keys) if INDEX_HEADER.match(k)]
    if index_cols:
        findings.append(
            Finding(
                "index_column_dropped",
                f"{len(index_cols)} column(s) without a header (an index or trailing delimiter) "
                f"dropped: position(s) {', '.join(str(i + 1) for i in index_cols)}",
                count=len(index_cols),
                severity="info",
            )
        )
        keep = [i for i in range(len(keys)) if i not in index_cols]
        header = [header[i] for i in keep]
        keys = [keys[i] for i in keep]
        cols = [cols[i] for i in keep]

    # the whole table repeated side by side
    half = len(keys) // 2
    if len(keys) % 2 == 0 and half and keys[:half] == keys[half:]:
        pairs = list(zip(cols[:half], cols[half:], strict=True))
        conflict = pl.any_horizontal(
            pl.col(a).is_not_null() & pl.col(b).is_not_null() & (pl.col(a) != pl.col(b))
            for a, b in pairs
        )
        bad = body.filter(conflict)
        if bad.height:
            line = int(bad["line_number"][0])
            raise reject(
                path, "conflicting_halves", half=half,
                line=line,
                details=[f"{bad.height} line(s) with conflicting halves"],
            )
        # Halves that differ only by a blank cell on one side are merged (the value is kept):
        # the real Hokkaido 2018 自動車盗 file has two such lines.
        one_sided = body.filter(
            pl.any_horizontal(pl.col(a).is_null() != pl.col(b).is_null() for a, b in pairs)
        )
        findings.append(
            Finding(
                "duplicated_layout",
                f"every row and the header are repeated side by side ({2 * half} columns = "
                f"{half} twice); one copy was kept",
                count=body.height,
            )
        )
        if one_sided.height:
            findings.append(
                Finding(
                    "duplicated_layout_blank_half",
                    f"{one_sided.height} line(s) of the repeated layout have a value in one copy "
                    "and a blank in the other; the value was kept",
                    line=int(one_sided["line_number"][0]),
                    count=one_sided.height,
                )
            )
        body = body.with_columns(pl.coalesce(pl.col(a), pl.col(b)).alias(a) for a, b in pairs)
        header, keys, cols = header[:half], keys[:half], cols[:half]

    # header -> field
    mapping: dict[str, str] = {}
    unused: list[str] = []
    seen: dict[str, str] = {}
    # Both names of the place type (発生場所, newer; 発生場所の属性, older): 発生場所 is the place
    # type and 発生場所の属性 is kept beside it as place_attribute.
    place_keys = [k for k in keys if HEADER_TO_FIELD.get(k) == "place_type"]
    for h, k, c in zip(header, keys, cols, strict=True):
        if len(place_keys) > 1 and k == header_key("発生場所の属性") and k not in seen:
            seen[k] = c
            mapping[c] = "place_attribute"
            continue
        if k in seen:
            raise reject(
                path, "duplicate_column",
                column=h,
            )
        seen[k] = c
        name = HEADER_TO_FIELD.get(k)
        if name is None or name in mapping.values():
            unused.append(h)
        else:
            mapping[c] = name
    missing = [orig for k, orig in REQUIRED_KEYS.items() if k not in seen]
    if missing:
        raise reject(
            path, "missing_column",
            more_ja=f"（ほか {len(missing) - 1} 列）" if len(missing) > 1 else "",
            more_en=f" (and {len(missing) - 1} more)" if len(missing) > 1 else "",
            line=1,
            column=missing[0],
            details=[f"missing: {m}" for m in missing],
        )
    written_otherwise = [(h, HEADER_BY_KEY[k]) for h, k, c in zip(header, keys, cols, strict=True)
                         if c in mapping and h != HEADER_BY_KEY[k]]
    if written_otherwise:
        findings.append(
            Finding(
                "header_written_otherwise",
                f"{len(written_otherwise)} header(s) written otherwise than the format, read as "
                "the format's: " + ", ".join(f"{h} -> {k}" for h, k in written_otherwise),
                column=written_otherwise[0][0],
                line=1,
                count=len(written_otherwise),
                severity="info",
            )
        )
    place = {mapping[c]: h for h, c in zip(header, cols, strict=True)
             if mapping.get(c) in ("place_type", "place_attribute")}
    if "place_attribute" in place:
        findings.append(
            Finding(
                "place_type_twice",
                f"both {place['place_type']} and {place['place_attribute']} are present (newer "
                f"and older names of the place type); {place['place_type']} was loaded as the "
                f"place type and {place['place_attribute']} kept beside it (place_attribute)",
                column=place["place_attribute"],
                line=1,
            )
        )
    if unused:
        findings.append(
            Finding(
                "unknown_columns",
                f"column(s) not part of the format, not loaded: {', '.join(unused)}",
                count=len(unused),
                severity="info",
            )
        )
    if body.height == 0:
        raise reject(
            path, "no_incidents",
        )
    frame = body.select(pl.col("line_number"), *(pl.col(c).alias(n) for c, n in mapping.items()))
    return frame, original
