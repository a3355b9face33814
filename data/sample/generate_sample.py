"""Generate the bundled sample deliveries where no public per-prefecture data exists.

    uv run python data/sample/generate_sample.py

Writes, deterministically (same bytes every time), into this folder:

- ``local_plans_2024-04-01_sample.csv``: the plan status of every prefecture and municipality
  on 2024-04-01 (UTF-8 with BOM). The counts reconcile exactly with the white paper
  (資7-79-3): prefectures 47 with a plan (2 included in other plans, 45 standalone);
  designated cities 20 (9, 11); other municipalities 748 of 1,721 (625, 123). Which government
  has which status is invented.
- ``subsidy_records_fy2023_fy2024_sample.xlsx``: 地域再犯防止推進事業 records for FY2023 and
  FY2024, with a title row above the header, as prefectures send them. FY2024 participants are
  exactly the white paper's 39 (read from ``data/published/white_paper_2024_facts.csv``); the
  FY2023 participants (a subset of them), menus and amounts are invented, within the
  programme's rules (national share = half the cost, at most 1,500,000 yen).
- ``indicators_prefecture_sample.csv``: per-prefecture values of two indicators of the second
  plan (【指標番号1-1】 再犯者率, 【指標番号3】 2年以内再入率) with numerators and denominators
  (CP932). Invented; scaled around the real national values that
  ``data/published/white_paper_2024_indicators.csv`` carries.

Every row says データ区分 = サンプル, so the warehouse marks every figure built from these files
as sample data. Real published facts are never replaced: where the white paper publishes a figure
(the 39 participants, the plan totals, the national indicator values) the sample agrees with it
or leaves it to the real file.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
REFERENCE = DATA / "reference"
FACTS = DATA / "published" / "white_paper_2024_facts.csv"
SAMPLE = "サンプル"
AS_OF = date(2024, 4, 1)
SEED = 20240401

# The white paper's counts (資7-79-3, 2024-04-01): level -> (with plan, included, standalone).
PLAN_TOTALS = {"prefecture": (47, 2, 45), "designated_city": (20, 9, 11),
               "municipality": (748, 625, 123)}
IN_PREPARATION = 57  # invented: municipalities without a plan that report one in preparation
OTHER_PLANS = (("地域福祉計画", 0.82), ("防犯に関する計画", 0.10), ("人権に関する計画", 0.08))

# Approximate populations (millions, 2020 census, rounded), used only to give the invented
# indicator values plausible sizes per prefecture.
POPULATION = {
    "01": 5.2, "02": 1.2, "03": 1.2, "04": 2.3, "05": 0.96, "06": 1.07, "07": 1.83, "08": 2.87,
    "09": 1.93, "10": 1.94, "11": 7.34, "12": 6.28, "13": 14.05, "14": 9.24, "15": 2.2,
    "16": 1.03, "17": 1.13, "18": 0.77, "19": 0.81, "20": 2.05, "21": 1.98, "22": 3.63,
    "23": 7.54, "24": 1.77, "25": 1.41, "26": 2.58, "27": 8.84, "28": 5.47, "29": 1.32,
    "30": 0.92, "31": 0.55, "32": 0.67, "33": 1.89, "34": 2.8, "35": 1.34, "36": 0.72,
    "37": 0.95, "38": 1.33, "39": 0.69, "40": 5.14, "41": 0.81, "42": 1.31, "43": 1.74,
    "44": 1.12, "45": 1.07, "46": 1.59, "47": 1.47,
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def reiwa_fiscal_year(year: int) -> str:
    """令和N年度 for a fiscal year (2019 is 令和元年度)."""
    number = year - 2018
    return f"令和{'元' if number == 1 else number}年度"


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- local plans


def plan_rows(rng: random.Random) -> list[list[object]]:
    governments = [g for g in read_csv(REFERENCE / "local_government.csv")
                   if g["kind"] != "ward" and g["northern_territories"] != "true"]
    prefectures = {p["pref_code"]: p["name_ja"] for p in read_csv(REFERENCE / "prefecture.csv")}
    by_level: dict[str, list[dict]] = {"prefecture": [], "designated_city": [], "municipality": []}
    for government in governments:
        level = government["kind"] if government["kind"] in by_level else "municipality"
        by_level[level].append(government)
    assert [len(by_level[k]) for k in by_level] == [47, 20, 1721], "reference counts changed"

    status: dict[str, tuple[str, str | None]] = {}
    for level, (with_plan, included, standalone) in PLAN_TOTALS.items():
        members = sorted(by_level[level], key=lambda g: g["lg_code"])
        chosen = rng.sample(members, with_plan)
        for government in chosen[:included]:
            status[government["lg_code"]] = ("策定済", "他計画に包含")
        for government in chosen[included:included + standalone]:
            status[government["lg_code"]] = ("策定済", "単独")
        rest = [g for g in members if g["lg_code"] not in status]
        for government in rng.sample(rest, IN_PREPARATION if level == "municipality" else 0):
            status[government["lg_code"]] = ("策定中", None)

    rows = []
    for government in sorted(governments, key=lambda g: g["lg_code"]):
        code, name = government["lg_code"], government["full_name_ja"]
        state, method = status.get(code, ("未策定", None))
        included_in = plan_name = form = adopted = start = end = ""
        if state == "策定済":
            adopted_on = date(2019, 4, 1) + timedelta(days=rng.randrange(0, 1826))
            fiscal = adopted_on.year - (1 if adopted_on.month < 4 else 0)
            # A plan adopted in January to March starts with the next fiscal year; every plan
            # still runs on the as-of date.
            first = min(fiscal + 1 if adopted_on.month <= 3 else fiscal, 2024)
            last = max(first + rng.choice((5, 5, 5, 4, 6)) - 1, 2024)
            adopted, start, end = (adopted_on.isoformat(), reiwa_fiscal_year(first),
                                   reiwa_fiscal_year(last))
            if method == "単独":
                form = rng.choices(("計画", "条例", "実施方針"), (0.94, 0.03, 0.03))[0]
                plan_name = {"計画": f"{name}再犯防止推進計画", "条例": f"{name}再犯防止推進条例",
                             "実施方針": f"{name}再犯防止推進実施方針"}[form]
            else:
                form = "計画"
                included_in = rng.choices([p for p, _ in OTHER_PLANS],
                                          [w for _, w in OTHER_PLANS])[0]
                plan_name = f"{name}{included_in}".replace("に関する計画", "計画")
        rows.append([AS_OF.isoformat(), code, name, prefectures[government["pref_code"]], state,
                     method or "", included_in, form, plan_name, adopted, start, end, "", SAMPLE])
    return rows


PLAN_HEADER = ["基準日", "団体コード", "団体名", "都道府県", "策定状況", "策定方法",
               "包含先の計画", "形式", "計画名", "策定日", "計画期間（開始）",
               "計画期間（終了）", "備考", "データ区分"]


# ----------------------------------------------------------------------------- subsidy records


def participants_fy2024() -> list[str]:
    """The white paper's 39 participating prefectures (names as published)."""
    return [row["pref_name"] for row in read_csv(FACTS)
            if row["topic"] == "subsidy_participation" and row["measure"] == "participating"
            and row["value"] == "1"]


def subsidy_rows(rng: random.Random) -> list[list[object]]:
    prefectures = read_csv(REFERENCE / "prefecture.csv")
    fy2024 = set(participants_fy2024())
    assert len(fy2024) == 39, "the white paper lists 39 participants"
    fy2023 = set(rng.sample(sorted(fy2024), 32))
    rows = []
    for fiscal_year, participants in ((2023, fy2023), (2024, fy2024)):
        for prefecture in prefectures:
            name = prefecture["name_ja"]
            if name not in participants:
                rows.append([reiwa_fiscal_year(fiscal_year), name, "×", "", "", "", "", "", None,
                             None, "", SAMPLE])
                continue
            direct = rng.sample(("就労・住居支援", "専門的支援", "相談支援"),
                                rng.choice((1, 1, 2, 3)))
            cost = rng.randrange(1_200, 4_800) * 1_000
            share = min(cost // 2, 1_500_000)
            rows.append([
                reiwa_fiscal_year(fiscal_year), name, "○", "○", "○",
                "○" if "就労・住居支援" in direct else "×",
                "○" if "専門的支援" in direct else "×",
                "○" if "相談支援" in direct else "×",
                cost, share, "", SAMPLE,
            ])
    return rows


SUBSIDY_HEADER = ["年度", "都道府県", "事業実施", "市町村間調整会議", "職員研修",
                  "就労・住居支援", "専門的支援", "相談支援", "事業費（円）",
                  "国庫補助額（円）", "備考", "データ区分"]


def subsidy_xlsx(rows: list[list[object]]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": "地域再犯防止推進事業 実施状況（サンプル）",
                             "author": "saihan", "created": datetime(2024, 6, 14)})
    sheet = workbook.add_worksheet("実施状況")
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0"})
    sheet.write(0, 0, "地域再犯防止推進事業 実施状況（サンプルデータ："
                "金額・メニュー・令和5年度の実施団体は架空）", bold)
    for position, heading in enumerate(SUBSIDY_HEADER):
        sheet.write(2, position, heading, bold)
    for number, row in enumerate(rows, start=3):
        for position, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, int):
                sheet.write_number(number, position, value, money)
            else:
                sheet.write_string(number, position, value)
    sheet.set_column(0, 1, 12)
    sheet.set_column(8, 9, 16)
    workbook.close()
    return buffer.getvalue()


# ----------------------------------------------------------------------------- indicators

INDICATORS = (
    # (number, name, typical national rate, national denominator, periods)
    ("1-1", "刑法犯検挙者中の再犯者率", 47.5, 180_000, ("2021年", "2022年", "2023年")),
    ("3", "出所受刑者の2年以内再入率", 13.5, 17_000, ("2020年出所者", "2021年出所者",
                                                      "2022年出所者")),
)
INDICATOR_HEADER = ["計画", "指標番号", "指標名", "都道府県", "期間", "値", "単位", "分子", "分母",
                    "出典", "備考", "データ区分"]


def indicator_rows(rng: random.Random) -> list[list[object]]:
    prefectures = read_csv(REFERENCE / "prefecture.csv")
    total_population = sum(POPULATION.values())
    rows = []
    for number, name, national_rate, national_denominator, periods in INDICATORS:
        for prefecture in prefectures:
            share = POPULATION[prefecture["pref_code"]] / total_population
            offset = rng.uniform(-0.25, 0.25) * national_rate
            for step, period in enumerate(periods):
                denominator = max(20, round(national_denominator * share * rng.uniform(0.9, 1.1)))
                rate = max(1.0, national_rate + offset - 0.6 * step + rng.uniform(-1.0, 1.0))
                numerator = round(denominator * rate / 100)
                value = round(100 * numerator / denominator, 1)
                rows.append(["第二次", number, name, prefecture["name_ja"], period, f"{value:.1f}",
                             "%", numerator, denominator, "サンプル（架空の都道府県別データ）", "",
                             SAMPLE])
    return rows


# ----------------------------------------------------------------------------- main


def generate(out: Path = HERE) -> list[Path]:
    """Write every sample file into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    plans = out / "local_plans_2024-04-01_sample.csv"
    plans.write_bytes(("\ufeff" + csv_text(PLAN_HEADER, plan_rows(random.Random(SEED))))
                      .encode("utf-8"))
    subsidy = out / "subsidy_records_fy2023_fy2024_sample.xlsx"
    subsidy.write_bytes(subsidy_xlsx(subsidy_rows(random.Random(SEED + 1))))
    indicators = out / "indicators_prefecture_sample.csv"
    indicators.write_bytes(csv_text(INDICATOR_HEADER, indicator_rows(random.Random(SEED + 2)))
                           .encode("cp932"))
    return [plans, subsidy, indicators]


if __name__ == "__main__":
    for path in generate():
        print(f"wrote {path.relative_to(DATA.parent)}")
