"""Generate the bundled sample of police crime open data (犯罪オープンデータ) for the demo.

    uv run python data/sample/generate_crime_sample.py

The real files (each prefectural police force publishes its own) are third-party data: they stay
outside the project, and tests read them where they are handed over (``../shared/data``). So
that ``saihan demo`` shows the crime pages without them, this script writes, deterministically
(the same bytes every run), invented incidents in the National Police Agency's format into
``crime/`` beside it:

- the real header columns of the format, in the newer layout (発生場所, 発生場所の詳細) and the
  older one (発生場所の属性), with the modus-specific columns the Hokkaido 2018 files carry;
- 北海道 (2021 and 2022) and 福岡県 (2022), all 7 modus between them, with the names of real
  police stations and the real codes and names of their municipalities
  (``data/reference/local_government.csv``); every incident is invented;
- the real variety and damage: CP932 and UTF-8 with BOM, comma and tab, CRLF and LF; one file
  with every row and its header repeated side by side (like ``hokkaido_2018zidousyatou.csv``);
  市区町村コード that lost its leading zero (11011 for 011011, the check digit confirms) and
  blank ones; dates as 2022-12-26, 2022/6/10, 20220610 and 不明; hours as 00, 7 and 不明;
  occurrence dates in the years before the file's year; identical rows (distinct incidents).

Every file is named ``sample_…`` and every row ends with the column ``データ区分`` = サンプル,
which the crime reader takes as the sample mark: the warehouse flags the file ``is_sample`` and
the dashboard marks every panel built from it. The folder's README (written here too) lists the
files and the counts the tests assert.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "crime"
REFERENCE = HERE.parent / "reference" / "local_government.csv"
SEED = 20180101
SAMPLE = "サンプル"
DATA_CLASS = "データ区分"

COMMON = ["罪名", "手口", "管轄警察署（発生地）", "管轄交番・駐在所（発生地）",
          "市区町村コード（発生地）", "都道府県（発生地）", "市区町村（発生地）",
          "町丁目（発生地）", "発生年月日（始期）", "発生時（始期）"]
OLD_PLACE = ["発生場所の属性"]
NEW_PLACE = ["発生場所", "発生場所の詳細"]
# Modus -> (romanised file-name part, modus-specific columns as in the Hokkaido 2018 files).
MODI = {
    "ひったくり": ("hittakuri", ["被害者の性別", "被害者の年齢", "現金被害の有無"]),
    "車上ねらい": ("syazyounerai", ["施錠関係", "現金被害の有無"]),
    "部品ねらい": ("buhinnerai", ["現金以外の主な被害品"]),
    "自動販売機ねらい": ("zidouhanbaikinerai", ["現金被害の有無"]),
    "自動車盗": ("zidousyatou", ["施錠関係", "盗難防止装置の有無", "現金以外の主な被害品"]),
    "オートバイ盗": ("ootobaitou", ["施錠関係", "盗難防止装置の有無", "現金以外の主な被害品"]),
    "自転車盗": ("zitensyatou", ["被害者の年齢", "被害者の職業", "施錠関係"]),
}

# Real police stations with the municipality they serve (full name as in the reference list);
# the 交番・駐在所 names and the 町丁目 are invented.
STATIONS = {
    "北海道": [
        ("中央", "札幌市中央区", 9), ("北", "札幌市北区", 10), ("東", "札幌市東区", 8),
        ("白石", "札幌市白石区", 6), ("豊平", "札幌市豊平区", 6), ("西", "札幌市西区", 5),
        ("厚別", "札幌市厚別区", 4), ("南", "札幌市南区", 3), ("函館中央", "函館市", 5),
        ("旭川中央", "旭川市", 5), ("苫小牧", "苫小牧市", 4), ("帯広", "帯広市", 3),
        ("釧路", "釧路市", 3), ("小樽", "小樽市", 2), ("江別", "江別市", 2), ("千歳", "千歳市", 2),
    ],
    "福岡県": [
        ("博多", "福岡市博多区", 9), ("中央", "福岡市中央区", 8), ("東", "福岡市東区", 7),
        ("南", "福岡市南区", 5), ("早良", "福岡市早良区", 4), ("小倉北", "北九州市小倉北区", 6),
        ("八幡西", "北九州市八幡西区", 4), ("久留米", "久留米市", 4), ("大牟田", "大牟田市", 2),
        ("春日", "春日市", 3),
    ],
}
KOBAN = ["駅前", "本町", "中央", "栄町", "緑町", "旭町"]
TOWNS = ["本町１丁目", "本町２丁目", "栄町３丁目", "緑町１丁目", "旭町２丁目", "中央１丁目",
         "中央３丁目", "駅前通", "大通４丁目", "新町５丁目"]

# Values as the published files write them (newer layout: 発生場所 and its detail).
OLD_PLACES = (["駐車（輪）場", "その他", "一戸建住宅", "道路上", "４階建て以上共同住宅",
               "その他の住宅（３階建て以下共同住宅等）"], [40, 20, 12, 12, 8, 8])
NEW_PLACES = {"駐車場・駐輪場": ["駐輪場", "駐車場", "商業施設の駐車場"],
              "道路上": ["歩道", "車道"], "住宅": ["一戸建住宅", "共同住宅"],
              "その他": ["商業施設", "駅", "その他"]}
NEW_PLACE_WEIGHTS = [45, 15, 20, 20]
VALUES = {
    "被害者の性別": (["女性", "男性"], [3, 1]),
    "被害者の年齢": (["10歳代", "20歳代", "30歳代", "40歳代", "50歳代", "60-64歳", "65-69歳",
                     "70歳以上"], [30, 20, 10, 10, 8, 5, 5, 12]),
    "現金被害の有無": (["あり", "なし"], [1, 1]),
    "施錠関係": (["施錠した", "施錠せず"], [1, 1]),
    "盗難防止装置の有無": (["なし", "あり"], [5, 1]),
    "被害者の職業": (["その他", "高校生", "大学生", "中学生", "小学生"], [40, 25, 20, 10, 5]),
}
STOLEN = {
    "部品ねらい": (["その他", "ナンバープレート", "タイヤ・ホイール", "カーナビ"], [5, 3, 2, 1]),
    "自動車盗": (["乗用自動車", "貨物自動車", "特殊自動車"], [6, 3, 1]),
    "オートバイ盗": (["原動機付自転車（50cc以下）", "自動二輪（50cc超）"], [1, 1]),
}
LOCKS = {"自動車盗": ["キーあり", "キーなし"], "オートバイ盗": ["キーあり", "キーなし"]}
# Hour weights 0..23: fewer at night, most in the afternoon and evening.
HOUR_WEIGHTS = [3, 2, 2, 1, 1, 1, 2, 5, 7, 5, 5, 5, 6, 6, 6, 8, 9, 10, 10, 9, 7, 6, 5, 4]


@dataclass(frozen=True)
class SampleFile:
    """One generated file: what it holds and how it is written and damaged."""

    prefecture: str  # 北海道 | 福岡県
    romaji: str  # the prefecture in the file name
    year: int
    modus: str
    rows: int  # incidents
    layout: str  # 'new' (発生場所, 発生場所の詳細) | 'old' (発生場所の属性)
    encoding: str  # 'cp932' | 'utf-8-sig'
    delimiter: str
    eol: str
    date_style: str  # 'iso' 2022-12-26 | 'slash' 2022/6/10 | 'compact' 20220610
    hour_style: str  # 'padded' 00 | 'plain' 7
    lost_zero: bool = False  # 市区町村コード without its leading zero (11011)
    blank_codes: int = 0  # incidents without 市区町村コード and 都道府県
    identical: int = 0  # incidents written twice, identically
    side_by_side: bool = False  # every row and the header repeated side by side

    @property
    def name(self) -> str:
        return f"sample_{self.romaji}_{self.year}{MODI[self.modus][0]}.csv"

    def header(self) -> list[str]:
        place = NEW_PLACE if self.layout == "new" else OLD_PLACE
        return [*COMMON, *place, *MODI[self.modus][1], DATA_CLASS]


FILES = (
    SampleFile("北海道", "hokkaido", 2022, "ひったくり", 28, "new", "cp932", ",", "\r\n",
               "iso", "padded"),
    SampleFile("北海道", "hokkaido", 2022, "車上ねらい", 420, "new", "utf-8-sig", ",", "\r\n",
               "iso", "padded", blank_codes=9),
    SampleFile("北海道", "hokkaido", 2022, "自動車盗", 84, "new", "cp932", ",", "\r\n",
               "slash", "plain", lost_zero=True, side_by_side=True),
    SampleFile("北海道", "hokkaido", 2022, "自転車盗", 900, "new", "cp932", "\t", "\n",
               "compact", "plain", identical=6),
    SampleFile("北海道", "hokkaido", 2021, "部品ねらい", 215, "old", "cp932", ",", "\r\n",
               "slash", "plain", lost_zero=True),
    SampleFile("北海道", "hokkaido", 2021, "自転車盗", 700, "old", "utf-8-sig", "\t", "\n",
               "iso", "padded", identical=3),
    SampleFile("福岡県", "fukuoka", 2022, "オートバイ盗", 160, "new", "utf-8-sig", ",", "\n",
               "compact", "padded"),
    SampleFile("福岡県", "fukuoka", 2022, "自動販売機ねらい", 60, "old", "cp932", "\t", "\r\n",
               "iso", "plain"),
    SampleFile("福岡県", "fukuoka", 2022, "自転車盗", 800, "new", "cp932", ",", "\r\n",
               "iso", "padded", identical=4),
)


def lg_codes() -> dict[str, str]:
    """Full municipality name -> 6-digit local-government code (with check digit)."""
    with REFERENCE.open(encoding="utf-8-sig", newline="") as handle:
        return {row["full_name_ja"]: row["lg_code"] for row in csv.DictReader(handle)}


def _date(rng: random.Random, spec: SampleFile) -> str:
    if rng.random() < 0.015:
        return "不明"
    # Most incidents occurred in the data year; some were reported late (earlier years).
    year = spec.year - rng.choices((0, 1, 2), (94, 5, 1))[0]
    day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    if spec.date_style == "iso":
        return day.isoformat()
    if spec.date_style == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    return f"{day:%Y%m%d}"


def _hour(rng: random.Random, spec: SampleFile) -> str:
    if rng.random() < 0.03:
        return "不明"
    hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
    return f"{hour:02d}" if spec.hour_style == "padded" else str(hour)


def _pick(rng: random.Random, choices: tuple[list[str], list[int]]) -> str:
    values, weights = choices
    return rng.choices(values, weights)[0]


def incident(rng: random.Random, spec: SampleFile, codes: dict[str, str]) -> list[str]:
    """One invented incident, as the row of the published file (without the sample mark)."""
    stations = STATIONS[spec.prefecture]
    station, municipality, _ = rng.choices(stations, [w for *_, w in stations])[0]
    code = codes[municipality]
    if spec.lost_zero:
        code = code.lstrip("0")
    town = "" if rng.random() < 0.08 else rng.choice(TOWNS)
    row = ["窃盗", spec.modus, station, rng.choice(KOBAN), code, spec.prefecture, municipality,
           town, _date(rng, spec), _hour(rng, spec)]
    if spec.layout == "new":
        place = rng.choices(list(NEW_PLACES), NEW_PLACE_WEIGHTS)[0]
        row += [place, rng.choice(NEW_PLACES[place])]
    else:
        row.append(_pick(rng, OLD_PLACES))
    for column in MODI[spec.modus][1]:
        if column == "現金以外の主な被害品":
            row.append(_pick(rng, STOLEN[spec.modus]))
        elif column == "施錠関係" and spec.modus in LOCKS:
            row.append(rng.choice(LOCKS[spec.modus]))
        else:
            row.append(_pick(rng, VALUES[column]))
    return row


def rows_of(spec: SampleFile, seed: int, codes: dict[str, str]) -> list[list[str]]:
    """The file's incidents in order, damage included (but the side-by-side repeat)."""
    rng = random.Random(seed)
    rows = [incident(rng, spec, codes) for _ in range(spec.rows - spec.identical)]
    # As in 車上ねらい of Hokkaido 2018: a few incidents without 市区町村コード and 都道府県.
    for index in rng.sample(range(len(rows)), spec.blank_codes):
        rows[index][4] = rows[index][5] = ""
    # Identical rows are distinct incidents: each repeat follows its first somewhere later.
    for index in sorted(rng.sample(range(len(rows)), spec.identical), reverse=True):
        rows.insert(index + 1 + rng.randrange(3), list(rows[index]))
    return [row + [SAMPLE] for row in rows]


def file_bytes(spec: SampleFile, seed: int, codes: dict[str, str]) -> bytes:
    header, rows = spec.header(), rows_of(spec, seed, codes)
    if spec.side_by_side:
        header, rows = header + header, [row + row for row in rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=spec.delimiter, lineterminator=spec.eol)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(spec.encoding)


# ----------------------------------------------------------------------------- README

README_HEAD = """\
# Sample police crime open data (generated; not police data)

**サンプルデータ（架空）。警察の公表データではありません。** These files are invented incidents
written by `data/sample/generate_crime_sample.py` in the National Police Agency's crime open-data
format (犯罪オープンデータ), so that `saihan demo` shows the crime pages without shipping anyone's
real data. No incident here happened. The police station names and the municipality codes and
names are real (codes and names from `data/reference/local_government.csv`), so that the joins,
maps and lists behave as with real files; the 交番・駐在所 names, 町丁目, dates, hours and every
other value are drawn at random (seeded: the same bytes every run).

How they are marked as sample: the file names start with `sample_`, and every row ends with the
column `データ区分` = `サンプル`. The crime reader takes that column as the sample mark (it is not
part of the police format and is not loaded as data): the warehouse records the file with
`is_sample = true`, the crime marts carry it, and the dashboard's crime page shows its "sample
data" mark. A real delivery of the same prefecture, modus and year replaces the sample; a sample
never replaces real data.

What they imitate, from the real published files (the Hokkaido Prefectural Police's 2018 files):
the header columns, in the newer layout (`発生場所`, `発生場所の詳細`) and the older one
(`発生場所の属性`), with the modus-specific columns of each modus; CP932 and UTF-8 with BOM,
comma and tab, CRLF and LF; every row and its header repeated side by side (the damage of
`hokkaido_2018zidousyatou.csv`); 市区町村コード that lost its leading zero (`11011` for `011011`,
the check digit confirms the repair) and blank ones (with a blank 都道府県, as in 車上ねらい);
dates written as `2022-12-26`, `2022/6/10`, `20220610` and `不明`; hours as `00`, `7` and `不明`;
incidents that occurred in the years before the file's year; identical rows (which are distinct
incidents).

"""
TABLE_HEAD = (
    "| file | prefecture | year | modus | incidents | layout | encoding | delimiter | line end "
    "| dates | hours | damage |\n"
    "| --- | --- | --- | --- | ---: | --- | --- | --- | --- | --- | --- | --- |\n"
)

README_TAIL = """
The real files come from the prefectural police forces, each of which publishes its own crime
open data (犯罪オープンデータ) on its website; `saihan sample --from DIR` loads such files from any
folder. Regenerate these with `uv run python data/sample/generate_crime_sample.py` (and commit
them); `tests/test_crime_sample.py` checks that the committed files are what the script
writes and that they load with the counts above.
"""


def damage(spec: SampleFile) -> str:
    parts = []
    if spec.side_by_side:
        parts.append("every row and the header repeated side by side")
    if spec.lost_zero:
        parts.append("codes without their leading zero")
    if spec.blank_codes:
        parts.append(f"{spec.blank_codes} blank codes")
    if spec.identical:
        parts.append(f"{spec.identical} identical rows")
    return "; ".join(parts) or "–"


def readme() -> str:
    """The folder's README, with the counts of every file."""
    delimiter = {",": "comma", "\t": "tab"}
    eol = {"\r\n": "CRLF", "\n": "LF"}
    dates = {"iso": "2022-12-26", "slash": "2022/6/10", "compact": "20220610"}
    hours = {"padded": "07", "plain": "7"}
    lines = [
        f"| `{f.name}` | {f.prefecture} | {f.year} | {f.modus} | {f.rows:,} | {f.layout} | "
        f"{'CP932' if f.encoding == 'cp932' else 'UTF-8 BOM'} | {delimiter[f.delimiter]} | "
        f"{eol[f.eol]} | {dates[f.date_style]} | {hours[f.hour_style]} | {damage(f)} |"
        for f in FILES
    ]
    totals = {}
    for f in FILES:
        totals[f.prefecture] = totals.get(f.prefecture, 0) + f.rows
    summary = (f"\nIn all {sum(f.rows for f in FILES):,} incidents in {len(FILES)} files: "
               + ", ".join(f"{p} {n:,}" for p, n in totals.items()) + ".\n")
    return README_HEAD + TABLE_HEAD + "\n".join(lines) + "\n" + summary + README_TAIL


def generate(out: Path = OUT) -> list[Path]:
    """Write every sample crime file and the README into ``out``; return the files' paths."""
    out.mkdir(parents=True, exist_ok=True)
    codes = lg_codes()
    paths = []
    for number, spec in enumerate(FILES):
        path = out / spec.name
        path.write_bytes(file_bytes(spec, SEED + number, codes))
        paths.append(path)
    (out / "README.md").write_text(readme(), encoding="utf-8", newline="\n")
    return paths


if __name__ == "__main__":
    for written in generate():
        print(f"wrote {written}")
