"""Every user-facing string of the dashboard, Japanese first with English.

Pages and charts look strings up here by key; nothing user-facing is written elsewhere. A test
fails when a key lacks either language.
"""

from __future__ import annotations

import re
import unicodedata

from warehouse.reference import subsidy_menus

LANGUAGES: dict[str, str] = {"ja": "日本語", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {
    "raw_ids": {"ja": "識別子（運用担当者向け）", "en": "Identifiers (for operators)"},
    "ignores_filter": {"ja": "この表示は「{filters}」の選択にかかわらず、すべてを示します。", "en": "This panel shows everything, whatever is chosen under “{filters}”."},
    "app_title": {"ja": "再犯防止 地域別モニター", "en": "Recidivism prevention: regional monitor"},
    "language": {"ja": "言語 / Language", "en": "言語 / Language"},
    "nav_national": {"ja": "全国と地域", "en": "Nation and regions"},
    "nav_programmes": {"ja": "施策", "en": "Programmes"},
    "nav_data": {"ja": "ダウンロードとデータ品質", "en": "Downloads and data quality"},
    "page_overview": {"ja": "全国概況", "en": "National overview"},
    "overview_caption": {
        "ja": "地方公共団体における再犯防止の取組の全国的な状況（公表値に基づく）",
        "en": "The national picture of local governments' recidivism-prevention work, from published figures",
    },
    "no_warehouse": {
        "ja": "公開済みのデータベースがありません。`uv run saihan demo` を実行してください。",
        "en": "No published warehouse yet. Run `uv run saihan demo`.",
    },
    "mart_missing": {
        "ja": "公開済みのデータベースは以前の版で作られたため、このページに必要な表がまだありません。`uv run saihan run` を実行すると作り直されます（データはそのまま）。",
        "en": "The published warehouse was built by an earlier version and lacks a table this page needs. Run `uv run saihan run` to rebuild it (your data stay as they are).",
    },
    "subsidy_none": {
        "ja": "データベースは公開済みですが、地域再犯防止推進事業の実施記録（公表値・実施状況の報告）はまだありません。",
        "en": "The warehouse is published but holds no records of the regional subsidy programme yet (neither published participation nor programme records).",
    },
    "kpi_subsidy": {"ja": "地域再犯防止推進事業 実施都道府県", "en": "Prefectures in the regional subsidy programme"},
    "kpi_plans_pref": {"ja": "地方計画 策定済み都道府県", "en": "Prefectures with a local plan"},
    "kpi_plans_city": {"ja": "地方計画 策定済み指定都市", "en": "Designated cities with a local plan"},
    "kpi_plans_muni": {"ja": "地方計画 策定済み市区町村", "en": "Other municipalities with a local plan"},
    "kpi_council": {"ja": "市町村再犯防止等推進会議 加入市町村", "en": "Municipalities in the municipal council"},
    "of_total": {"ja": "{total} 団体中", "en": "of {total}"},
    "subsidy_map_title": {
        "ja": "地域再犯防止推進事業の実施状況（{fy}）",
        "en": "Regional subsidy programme participation ({fy})",
    },
    "participating": {"ja": "実施", "en": "Participating"},
    "not_participating": {"ja": "未実施", "en": "Not participating"},
    "map_kind": {"ja": "地図の種類", "en": "Map type"},
    "map_geo": {"ja": "地図", "en": "Geographic"},
    "map_tile": {"ja": "タイル地図", "en": "Tile grid"},
    "plans_title": {"ja": "地方再犯防止推進計画の策定数（策定方法別）", "en": "Local plans by level and method"},
    "level_prefecture": {"ja": "都道府県", "en": "Prefectures"},
    "level_designated_city": {"ja": "指定都市", "en": "Designated cities"},
    "level_municipality": {"ja": "市区町村（指定都市を除く）", "en": "Other municipalities"},
    "method_standalone": {"ja": "単独で策定", "en": "Standalone plan"},
    "method_included_in_other": {"ja": "他の計画に包含", "en": "Included in another plan"},
    "method_none": {"ja": "未策定", "en": "No plan yet"},
    "governments": {"ja": "団体数", "en": "Governments"},
    "series_plans_title": {"ja": "地方再犯防止推進計画の策定数の推移（白書各年版の公表値）", "en": "Local plans over the years (as each white paper published them)"},
    "series_councils_title": {"ja": "協議会の参加団体数の推移（白書各年版の公表値）", "en": "Members of the two councils over the years (as published)"},
    "series_caption": {"ja": "点は白書が数を公表した日付です（その間の年は公表がありません）。各点の出典・引用・ページはホバーで、表でも確認できます。", "en": "Each point is a date for which a white paper published the count (none was published in between). Hover a point, or see the table, for its source and page; the Japanese page also quotes each figure as published."},
    "series_none": {"ja": "白書各年版の公表値はまだ取り込まれていません。", "en": "No earlier white-paper figures have been loaded yet."},
    "series_municipal_council_members": {"ja": "市町村再犯防止等推進会議の構成員（市区町村）", "en": "Members of the municipalities' council for recidivism prevention"},
    "series_correctional_host_members": {"ja": "矯正施設所在自治体会議の参加団体", "en": "Members of the council of municipalities hosting correctional facilities"},
    "level_all_governments": {"ja": "地方公共団体の合計", "en": "All local governments"},
    "level_all_municipalities": {"ja": "市町村（指定都市・特別区を含む）", "en": "Municipalities (incl. designated cities and wards)"},
    "col_series": {"ja": "系列", "en": "Series"},
    "col_quote": {"ja": "引用", "en": "Quote"},
    "col_page": {"ja": "掲載ページ", "en": "Page"},
    "programmes_title": {"ja": "国の取組の実績（公表値）", "en": "National programme figures (published)"},
    "col_level": {"ja": "区分", "en": "Level"},
    "col_with_plan": {"ja": "策定済み", "en": "With a plan"},
    "col_section": {"ja": "掲載箇所", "en": "Where published"},
    "col_measure": {"ja": "項目", "en": "Measure"},
    "col_value": {"ja": "値", "en": "Value"},
    "col_unit": {"ja": "単位", "en": "Unit"},
    "col_as_of": {"ja": "時点", "en": "As of"},
    "col_prefecture": {"ja": "都道府県", "en": "Prefecture"},
    "col_region": {"ja": "地方", "en": "Region"},
    "source_line": {"ja": "出典：{source}（{as_of}現在）", "en": "Source: {source} (as of {as_of})"},
    "source_line_no_date": {"ja": "出典：{source}", "en": "Source: {source}"},
    "sample_mark": {"ja": "サンプルデータ（実データではありません）", "en": "Sample data (not real)"},
    "download_csv": {"ja": "CSV をダウンロード", "en": "Download CSV"},
    "download_xlsx": {"ja": "Excel をダウンロード", "en": "Download Excel"},
    "download_title": {"ja": "表題", "en": "Title"},
    "title_for": {"ja": "{title}（{what}）", "en": "{title} ({what})"},
    "note_separator": {"ja": " ・ ", "en": " · "},
    "indicator_option": {"ja": "【{number}】{name}（{unit}）", "en": "[{number}] {name} ({unit})"},
    "indicator_option_no_number": {"ja": "{name}（{unit}）", "en": "{name} ({unit})"},
    "list_separator": {"ja": "・", "en": ", "},
    "all_stations": {"ja": "全警察署", "en": "all police stations"},
    "source_run_records": {"ja": "saihan の取込記録", "en": "saihan's load records"},
    "download_published_at": {"ja": "公開日時", "en": "Published"},
    "download_data_kind": {"ja": "データ区分", "en": "Data"},
    "download_filters": {"ja": "絞り込み条件", "en": "Filters"},
    "download_item": {"ja": "項目", "en": "Item"},
    "download_value": {"ja": "内容", "en": "Value"},
    "download_about_sheet": {"ja": "説明", "en": "About"},
    "data_kind_sample": {"ja": "サンプル（実データではありません）", "en": "Sample (not real data)"},
    "data_kind_real": {"ja": "実データ", "en": "Real data"},
    "as_of_none": {"ja": "（時点の定めなし）", "en": "(no as-of date)"},
    "chart_source_note": {"ja": "出典：{source}", "en": "Source: {source}"},
    "chart_as_of_note": {"ja": "（{as_of}現在）", "en": " (as of {as_of})"},
    "published_at": {"ja": "データ更新：{when}", "en": "Data published: {when}"},
    "crime_title": {"ja": "警察署別の犯罪発生（オープンデータ）", "en": "Police-district crime (open data)"},
    "crime_total": {"ja": "{prefs} の {years} 年：{n} 件", "en": "{prefs}, {years}: {n} incidents"},
    "crime_total_one": {"ja": "{prefs} の {years} 年：{n} 件", "en": "{prefs}, {years}: {n} incident"},
    "crime_none": {"ja": "犯罪オープンデータはまだ取り込まれていません。", "en": "No police open data loaded yet."},
    "modus": {"ja": "手口", "en": "Modus"},
    "incidents": {"ja": "件数", "en": "Incidents"},
    "measure_member_municipalities": {"ja": "市町村再犯防止等推進会議 加入市町村", "en": "Municipal council: member municipalities"},
    "measure_member_governments": {"ja": "矯正施設所在自治体会議 加入自治体", "en": "Correctional-facility host council: members"},
    "measure_probation_offices": {"ja": "更生保護地域連携拠点事業 実施保護観察所", "en": "Regional hub pilot: probation offices"},
    "measure_facilities": {"ja": "訪問支援事業 実施施設（更生保護施設）", "en": "Visiting support: facilities"},
    "measure_visiting_persons": {"ja": "訪問支援事業 支援人員", "en": "Visiting support: persons"},
    "measure_visiting_person_visits": {"ja": "訪問支援事業 延べ人員", "en": "Visiting support: person-visits"},
    "measure_follow_up_persons": {"ja": "フォローアップ事業 支援人員", "en": "Follow-up programme: persons"},
    "measure_follow_up_person_visits": {"ja": "フォローアップ事業 延べ人員", "en": "Follow-up programme: person-visits"},
    "measure_reoffence_with": {"ja": "再犯率（訪問支援あり）", "en": "Re-offending with visits"},
    "measure_reoffence_without": {"ja": "再犯率（訪問支援なし）", "en": "Re-offending without visits"},
    "unit_governments": {"ja": "団体", "en": "governments"},
    "unit_municipalities": {"ja": "市町村", "en": "municipalities"},
    "unit_offices": {"ja": "庁", "en": "offices"},
    "unit_facilities": {"ja": "施設", "en": "facilities"},
    "unit_persons": {"ja": "人", "en": "persons"},
    "unit_person_visits": {"ja": "人（延べ）", "en": "person-visits"},
    "unit_percent": {"ja": "%", "en": "%"},
    "unit_cases": {"ja": "件", "en": "cases"},
    "unit_prefectures": {"ja": "都道府県", "en": "prefectures"},
    "page_crime": {"ja": "犯罪統計", "en": "Police-district crime"},
    "crime_caption": {
        "ja": "都道府県警察の犯罪オープンデータ（手口別・警察署別）。発生日不明の件数も合計に含みます。",
        "en": "Prefectural police crime open data by modus and police station. Incidents with an unknown date count in every total.",
    },
    "filter_prefecture": {"ja": "都道府県", "en": "Prefecture"},
    "filter_years": {"ja": "データ年", "en": "Data year"},
    "filter_modus": {"ja": "手口", "en": "Modus"},
    "filter_stations": {"ja": "警察署（未選択＝全署）", "en": "Police stations (none = all)"},
    "all_selected": {"ja": "すべて", "en": "All"},
    "kpi_incidents": {"ja": "認知件数", "en": "Incidents"},
    "kpi_unknown_month": {"ja": "うち発生月不明", "en": "of which month unknown"},
    "kpi_stations": {"ja": "警察署数", "en": "Police stations"},
    "crime_trend_title": {"ja": "月別の発生件数（手口別）", "en": "Incidents per month by modus"},
    "crime_heatmap_title": {"ja": "曜日・時間帯別の発生件数", "en": "Incidents by weekday and hour"},
    "crime_heatmap_note": {
        "ja": "発生日時が不明の件数は含みません。警察署の絞り込みは適用されません。",
        "en": "Incidents with an unknown date or hour are not shown. The station filter does not apply.",
    },
    "crime_top_title": {"ja": "発生件数の多い警察署（上位20）", "en": "Police stations with most incidents (top 20)"},
    "crime_place_title": {"ja": "発生場所別", "en": "By place type"},
    "crime_municipality_title": {"ja": "市区町村別", "en": "By municipality"},
    "crime_earlier_note": {
        "ja": "このほか、データ年より前に発生した {n} 件があります（グラフは {start} 以降を表示）。",
        "en": "Another {n} incidents occurred before the data years (the chart starts at {start}).",
    },
    "crime_earlier_note_one": {
        "ja": "このほか、データ年より前に発生した {n} 件があります（グラフは {start} 以降を表示）。",
        "en": "Another incident occurred before the data years (the chart starts at {start}).",
    },
    "crime_rates_note": {
        "ja": "市区町村の人口はまだ取り込まれていません（`saihan estat fetch --stats-data-id 0003445078` で国勢調査の人口を取り込めます）。",
        "en": "No municipal population is loaded yet (`saihan estat fetch --stats-data-id 0003445078` loads the census population).",
    },
    "crime_rates_municipal_note": {
        "ja": "人口10万人当たりは、人口が分かる市区町村にだけ表示します（人口：{source}）。",
        "en": "Per 100,000 residents where the municipality's population is known (population: {source}).",
    },
    "per_100k_toggle": {"ja": "人口10万人当たりで表示", "en": "Per 100,000 residents"},
    "per_100k_help": {
        "ja": "件数 ÷ 人口 × 100,000。人口が分かる地域（都道府県、人口を取り込んだ市区町村）だけに表示します。",
        "en": "Count ÷ population × 100,000, shown only for areas whose population is known (prefectures, and municipalities whose population was loaded).",
    },
    "per_100k_population": {
        "ja": "人口：{source}（{as_of}現在）{area} {population}人。件数は選んだ年の合計です。",
        "en": "Population: {source} (as of {as_of}), {area} {population}. Counts are summed over the chosen years.",
    },
    "per_100k_no_population": {
        "ja": "{area}の人口が取り込まれていないため、件数のまま表示しています。",
        "en": "The population of {area} is not loaded, so counts are shown as they are.",
    },
    "per_100k_stations": {
        "ja": "警察署で絞り込んだ件数は、管轄区域の人口が公表されていないため件数のまま表示しています。",
        "en": "Counts narrowed to police stations stay counts: no population is published for a station's area.",
    },
    "per_100k_station_panels": {
        "ja": "時間帯・発生場所・警察署別の件数は、警察署の管轄区域の人口が分からないため件数のままです。",
        "en": "Counts by hour, place and police station stay counts: a station's area has no known population.",
    },
    "indicator_real_count": {
        "ja": "この指標の実データがある都道府県：{n}（{names}）。ほかの都道府県の値はサンプルです。",
        "en": "Prefectures with real values of this indicator: {n} ({names}). The other prefectures' values are sample data.",
    },
    "indicator_real_none": {
        "ja": "この指標の実データがある都道府県：0。都道府県の値はすべてサンプルです。",
        "en": "Prefectures with real values of this indicator: 0. Every prefecture's value is sample data.",
    },
    "per_100k_ranking": {
        "ja": "犯罪の件数を人口10万人当たりで示しています（人口：{source}、{as_of}現在。人口が分かる都道府県のみ）。",
        "en": "Crime shown per 100,000 residents (population: {source}, as of {as_of}; prefectures whose population is known).",
    },
    "kpi_incidents_per_100k": {"ja": "認知件数（人口10万人当たり）", "en": "Incidents per 100,000 residents"},
    "incidents_per_100k": {"ja": "件（人口10万人当たり）", "en": "Incidents per 100,000 residents"},
    "col_per_100k": {"ja": "人口10万人当たり", "en": "Per 100,000 residents"},
    "col_population": {"ja": "人口", "en": "Population"},
    "crime_source_all": {"ja": "都道府県警察 犯罪オープンデータ", "en": "Prefectural police crime open data"},
    "crime_source": {"ja": "{pref}警察 犯罪オープンデータ（{years}年）", "en": "{pref} Prefectural Police crime open data ({years})"},
    "crime_sample_source": {"ja": "サンプル（架空）の犯罪オープンデータ：{pref}（{years}年）", "en": "Sample (invented) crime open data: {pref} ({years})"},
    "hour_of_day": {"ja": "時（0〜23時）", "en": "Hour of day"},
    "hour_suffix": {"ja": "時", "en": "h"},
    "weekday_1": {"ja": "月", "en": "Mon"},
    "weekday_2": {"ja": "火", "en": "Tue"},
    "weekday_3": {"ja": "水", "en": "Wed"},
    "weekday_4": {"ja": "木", "en": "Thu"},
    "weekday_5": {"ja": "金", "en": "Fri"},
    "weekday_6": {"ja": "土", "en": "Sat"},
    "weekday_7": {"ja": "日", "en": "Sun"},
    "col_station": {"ja": "警察署", "en": "Police station"},
    "col_municipality": {"ja": "市区町村", "en": "Municipality"},
    "col_lg_code": {"ja": "団体コード", "en": "LG code"},
    "col_place_type": {"ja": "発生場所", "en": "Place type"},
    "col_incidents": {"ja": "件数", "en": "Incidents"},
    "col_month": {"ja": "発生月", "en": "Month"},
    "page_data": {"ja": "データ", "en": "Data status"},
    "data_caption": {
        "ja": "各データの鮮度、取込の履歴、取り込めなかったファイルとその理由、数値の出どころ。",
        "en": "How fresh each source is, the last runs, files that could not be loaded and why, and where every figure comes from.",
    },
    "freshness_title": {"ja": "データの鮮度", "en": "Freshness of each source"},
    "runs_title": {"ja": "最近の更新", "en": "Last runs"},
    "rejected_title": {"ja": "取り込めなかったファイル", "en": "Rejected files"},
    # the data page's system tables: column names and recorded values, for people
    "sys_started_at": {"ja": "開始", "en": "Started"},
    "sys_trigger": {"ja": "きっかけ", "en": "Trigger"},
    "sys_status": {"ja": "結果", "en": "Result"},
    "sys_files_seen": {"ja": "確認したファイル", "en": "Files seen"},
    "sys_files_loaded": {"ja": "取り込み", "en": "Loaded"},
    "sys_files_unchanged": {"ja": "変更なし", "en": "Unchanged"},
    "sys_files_superseded": {"ja": "差し替え", "en": "Superseded"},
    "sys_files_rejected": {"ja": "取込不可", "en": "Rejected"},
    "sys_rows_loaded": {"ja": "取り込んだ行", "en": "Rows loaded"},
    "sys_run_id": {"ja": "実行ID", "en": "Run id"},
    "sys_file_name": {"ja": "ファイル", "en": "File"},
    "sys_source_kind": {"ja": "データの種類", "en": "Source"},
    "sys_dataset_key": {"ja": "データセット", "en": "Dataset"},
    "sys_rows": {"ja": "行数", "en": "Rows"},
    "sys_encoding": {"ja": "文字コード", "en": "Encoding"},
    "sys_is_sample": {"ja": "サンプル", "en": "Sample"},
    "sys_findings": {"ja": "注記", "en": "Findings"},
    "sys_loaded_at": {"ja": "取込日時", "en": "Loaded at"},
    "sys_sha256": {"ja": "SHA-256", "en": "SHA-256"},
    "sys_severity": {"ja": "重要度", "en": "Severity"},
    "sys_code": {"ja": "コード", "en": "Code"},
    "sys_message": {"ja": "内容", "en": "Message"},
    "sys_line": {"ja": "行", "en": "Line"},
    "sys_column_name": {"ja": "列", "en": "Column"},
    "sys_lines": {"ja": "該当行数", "en": "Lines"},
    "sysval_published": {"ja": "公開", "en": "published"},
    "sysval_failed": {"ja": "失敗", "en": "failed"},
    "sysval_nothing_new": {"ja": "新しいファイルなし", "en": "nothing new"},
    "sysval_run": {"ja": "saihan run", "en": "saihan run"},
    "sysval_nightly": {"ja": "夜間の定期実行", "en": "nightly"},
    "sysval_arrival": {"ja": "ファイル到着", "en": "file arrival"},
    "sysval_accept": {"ja": "saihan accept", "en": "saihan accept"},
    "sysval_rollback": {"ja": "ロールバック", "en": "rollback"},
    "sysval_init": {"ja": "初期化", "en": "init"},
    "sysval_current": {"ja": "使用中", "en": "current"},
    "sysval_superseded": {"ja": "差し替え済み", "en": "superseded"},
    "sysval_warning": {"ja": "注意", "en": "warning"},
    "sysval_info": {"ja": "情報", "en": "info"},
    "rejected_none": {"ja": "取り込めなかったファイルはありません。", "en": "No file has been rejected."},
    "rejected_help": {
        "ja": "ファイルは隔離フォルダに、同じ名前の .report.txt（行・列・内容・対処）とともに保管されています。修正して受信フォルダに置き直してください。",
        "en": "Each file is kept in quarantine beside a .report.txt (line, column, what was found, what to do). Fix it and drop it into the inbox again.",
    },
    "held_title": {"ja": "保留中のファイル（データが減る再提供）", "en": "Held files (re-deliveries that would shrink a dataset)"},
    "held_none": {"ja": "保留中のファイルはありません。", "en": "No file is held."},
    "held_help": {
        "ja": "これらの再提供は公表中のデータの行・警察署・月・都道府県・団体を減らすため、取り込まずに held フォルダに .held.txt（署・月ごとの前後の件数）とともに保管しています。正しい場合は `saihan accept ファイル` で公表します。",
        "en": "These re-deliveries would remove rows, stations, months, prefectures or governments from published data, so they were not loaded; each is kept in held/ beside a .held.txt (rows before and after by station and month). If one is right, `saihan accept FILE` publishes it.",
    },
    "col_dataset": {"ja": "データセット", "en": "Dataset"},
    "col_rows_before": {"ja": "公表中の行数", "en": "Rows published"},
    "col_rows_after": {"ja": "このファイルの行数", "en": "Rows in this file"},
    "files_title": {"ja": "取り込んだファイル", "en": "Loaded files"},
    "findings_title": {"ja": "取込時の注意事項", "en": "Findings while loading"},
    "lineage_title": {"ja": "数値の出どころ", "en": "Where each figure comes from"},
    "sample_title": {"ja": "サンプルデータ", "en": "Sample data"},
    "sample_none": {
        "ja": "サンプル（生成）データは含まれていません。表示中の数値はすべて公表資料・公開データに基づきます。",
        "en": "No sample (generated) data is loaded: every figure shown comes from published material or open data.",
    },
    "sample_some": {
        "ja": "次のファイルはサンプル（生成）データです。これを使うパネルには「サンプルデータ」と表示されます。",
        "en": "These files hold sample (generated) data; every panel using them is marked \"sample data\".",
    },
    "source_kind_published_facts": {"ja": "白書等の公表値", "en": "Published figures (white paper)"},
    "source_kind_crime_open_data": {"ja": "犯罪オープンデータ", "en": "Police crime open data"},
    "col_source_kind": {"ja": "データの種類", "en": "Source"},
    "col_files": {"ja": "ファイル数", "en": "Files"},
    "col_superseded": {"ja": "差し替え済み", "en": "Superseded"},
    "col_rows": {"ja": "行数", "en": "Rows"},
    "col_last_loaded": {"ja": "最終取込", "en": "Last loaded"},
    "col_sample": {"ja": "サンプル", "en": "Sample"},
    "col_file": {"ja": "ファイル", "en": "File"},
    "col_line": {"ja": "行", "en": "Line"},
    "col_column": {"ja": "列", "en": "Column"},
    "col_reason": {"ja": "内容", "en": "What was found"},
    "col_action": {"ja": "対処", "en": "What to do"},
    "col_kept_as": {"ja": "保管場所", "en": "Kept as"},
    "col_when": {"ja": "日時", "en": "When"},
    "col_panel": {"ja": "表示", "en": "Shown on"},
    "col_mart": {"ja": "データマート", "en": "Mart"},
    "col_source": {"ja": "出典", "en": "Source"},
    "lineage_overview": {"ja": "全国概況", "en": "National overview"},
    "lineage_crime": {"ja": "犯罪統計", "en": "Police-district crime"},
    "lineage_source_white_paper": {"ja": "法務省『令和6年版 再犯防止推進白書』第7章", "en": "MOJ White Paper on Recidivism Prevention 2024, ch. 7"},
    "lineage_source_police": {"ja": "都道府県警察 犯罪オープンデータ", "en": "Prefectural police crime open data"},
    "lineage_source_reference": {"ja": "総務省 全国地方公共団体コード（2024年1月1日）", "en": "MIC local-government codes (2024-01-01)"},
    "lineage_source_geo": {"ja": "国土数値情報（行政区域データ）国土交通省", "en": "MLIT National Land Numerical Information"},
    "page_subsidy": {"ja": "補助事業", "en": "Subsidy programme"},
    "subsidy_caption": {"ja": "地域再犯防止推進事業（国が経費の1/2、上限150万円を補助）の実施状況、メニュー、事業費。", "en": "The regional subsidy programme (the state pays half, at most 1.5 million yen): participation, menus and amounts."},
    "filter_fiscal_year": {"ja": "年度", "en": "Fiscal year"},
    "kpi_participating": {"ja": "実施都道府県", "en": "Participating prefectures"},
    "kpi_project_cost": {"ja": "事業費 合計", "en": "Project cost, total"},
    "kpi_national_share": {"ja": "国庫補助額 合計", "en": "National share, total"},
    "yen_amount": {"ja": "{v}円", "en": "¥{v}"},
    "participation_from_published": {"ja": "実施状況は白書の公表値", "en": "Participation as published in the white paper"},
    "participation_from_both": {"ja": "実施状況は白書の公表値（公表のある年度）と補助事業の実績データ（その他の年度）", "en": "Participation as published in the white paper (years it covers) and from the subsidy records (other years)"},
    "participation_from_records": {"ja": "実施状況は補助事業の実績データ", "en": "Participation from the subsidy records"},
    "subsidy_years_title": {"ja": "年度別の実施都道府県数", "en": "Participating prefectures per fiscal year"},
    "subsidy_menus_title": {"ja": "実施メニュー（都道府県数）", "en": "Menus run (prefectures)"},
    "subsidy_table_title": {"ja": "都道府県別の実施状況", "en": "Per prefecture"},
    "col_participating": {"ja": "実施", "en": "Participating"},
    "col_project_cost": {"ja": "事業費（円）", "en": "Project cost (yen)"},
    "col_national_share": {"ja": "国庫補助額（円）", "en": "National share (yen)"},
    "col_menus": {"ja": "直接支援メニュー数", "en": "Direct-support menus"},
    "col_fiscal_year": {"ja": "年度", "en": "Fiscal year"},
    "yes": {"ja": "○", "en": "yes"},
    "no": {"ja": "－", "en": "no"},
    "sample_records_source": {"ja": "補助事業実績（サンプル）", "en": "Subsidy records (sample)"},
    "page_plans": {"ja": "計画策定", "en": "Local plans"},
    "plans_caption": {"ja": "地方再犯防止推進計画の策定状況：区分・策定方法別、都道府県別、団体ごと。", "en": "Local recidivism-prevention plans by level and method, per prefecture, and for every government."},
    "plans_vs_published": {"ja": "白書の公表値との照合", "en": "Against the white paper"},
    "plans_reconciled": {"ja": "区分・策定方法別の団体数は白書の公表値（{as_of}現在）と一致しています。", "en": "Counts by level and method match the white paper ({as_of})."},
    "plans_differ": {"ja": "白書の公表値と異なる区分があります。`saihan check` で理由を確認してください。", "en": "Some counts differ from the white paper; `saihan check` explains why."},
    "plans_map_title": {"ja": "都道府県別の{measure}", "en": "{measure}, per prefecture"},
    "coverage": {"ja": "策定率", "en": "Coverage"},
    "plans_list_title": {"ja": "団体別の策定状況", "en": "Every government's plan status"},
    "filter_level": {"ja": "区分", "en": "Level"},
    "filter_status": {"ja": "策定状況", "en": "Status"},
    "status_adopted": {"ja": "策定済", "en": "Adopted"},
    "status_in_preparation": {"ja": "策定中", "en": "In preparation"},
    "status_none": {"ja": "未策定", "en": "No plan yet"},
    "status_not_reported": {"ja": "報告なし", "en": "Not reported"},
    "col_status": {"ja": "策定状況", "en": "Status"},
    "col_method": {"ja": "策定方法", "en": "Method"},
    "col_included_in": {"ja": "包含先の計画", "en": "Included in"},
    "col_plan_name": {"ja": "計画名", "en": "Plan name"},
    "col_adopted_on": {"ja": "策定日", "en": "Adopted on"},
    "col_period": {"ja": "計画期間", "en": "Plan period"},
    "col_government": {"ja": "団体名", "en": "Government"},
    "col_governments": {"ja": "団体数", "en": "Governments"},
    "col_standalone": {"ja": "単独で策定", "en": "Standalone"},
    "col_included": {"ja": "他の計画に包含", "en": "Included in another plan"},
    "col_in_preparation": {"ja": "策定中", "en": "In preparation"},
    "col_coverage": {"ja": "策定率", "en": "Coverage"},
    "plan_records_source": {"ja": "地方計画の策定状況（サンプル）", "en": "Local-plan status (sample)"},
    "page_indicators": {"ja": "指標", "en": "Indicators"},
    "indicators_caption": {"ja": "再犯防止推進計画の指標の推移：都道府県の値と全国値。", "en": "The plan's indicators over time: prefecture values against the national value."},
    "filter_indicator": {"ja": "指標", "en": "Indicator"},
    "filter_compare": {"ja": "比較する都道府県", "en": "Prefectures to compare"},
    "national": {"ja": "全国", "en": "Japan"},
    "indicator_trend_title": {"ja": "推移", "en": "Over time"},
    "indicator_map_title": {"ja": "都道府県別（{period}）", "en": "Per prefecture ({period})"},
    "indicator_none": {"ja": "指標データはまだ取り込まれていません。", "en": "No indicator data loaded yet."},
    "indicator_national_only": {"ja": "この指標は全国値のみです。", "en": "This indicator has national values only."},
    "col_period_label": {"ja": "期間", "en": "Period"},
    "col_national_value": {"ja": "全国値", "en": "National"},
    "col_difference": {"ja": "全国との差", "en": "Difference from national"},
    "col_indicator": {"ja": "指標", "en": "Indicator"},
    "col_pref_code": {"ja": "都道府県コード", "en": "Prefecture code"},
    "col_numerator": {"ja": "分子", "en": "Numerator"},
    "col_denominator": {"ja": "分母", "en": "Denominator"},
    "col_value_note": {"ja": "値の注記", "en": "Note on the value"},
    "page_progress": {"ja": "地域別進捗", "en": "Progress by region"},
    "progress_caption": {"ja": "都道府県ごとのスコアカード：計画、市区町村の策定率、補助事業、指標（全国値・過去との比較）。都道府県を選ぶと詳細を表示します。", "en": "A scorecard per prefecture: its plan, municipal plan coverage, the subsidy programme and indicators against the national value and its own past. Choose a prefecture for the details."},
    "scorecard_title": {"ja": "スコアカード（47都道府県）", "en": "Scorecard (47 prefectures)"},
    "filter_region": {"ja": "地方", "en": "Region"},
    "choose_prefecture": {"ja": "都道府県を選択", "en": "Choose a prefecture"},
    "none_chosen": {"ja": "（選択なし）", "en": "(none)"},
    "col_own_plan": {"ja": "自らの計画", "en": "Own plan"},
    "col_vs_national": {"ja": "全国比（pt）", "en": "vs national (pt)"},
    "col_subsidy": {"ja": "補助事業", "en": "Subsidy"},
    "col_indicators": {"ja": "指標数", "en": "Indicators"},
    "detail_plan": {"ja": "計画", "en": "Plan"},
    "detail_subsidy": {"ja": "補助事業の実績", "en": "Subsidy record"},
    "detail_indicators": {"ja": "指標（全国値・過去との比較）", "en": "Indicators against national and own past"},
    "detail_municipalities": {"ja": "管内団体の策定状況", "en": "Plan status of every government in the prefecture"},
    "detail_crime": {"ja": "犯罪統計を見る", "en": "See police-district crime"},
    "national_coverage": {"ja": "全国 {v}", "en": "Japan {v}"},
    # --- measures: each defined once (the mart that computes it), named the same on every page ---
    "definitions_title": {"ja": "用語と指標の定義", "en": "Definitions"},
    "measure_municipal_coverage": {"ja": "市区町村の計画策定率（指定都市を除く）", "en": "Municipal plan coverage (excl. designated cities)"},
    "measure_municipal_coverage_help": {"ja": "指定都市を除く市区町村のうち、地方再犯防止推進計画を策定済み（単独で策定、または他の計画に包含）の団体の割合。最新の基準日に報告のない団体は未策定として数えます。白書の「その他の市区町村」と同じ数え方です。", "en": "The share of municipalities, designated cities excluded, that have adopted a local recidivism-prevention plan (standalone or included in another plan). Governments not reported on the latest as-of date count as without a plan. Counted as the white paper counts its “other municipalities”."},
    "measure_level_coverage": {"ja": "策定率", "en": "Plan coverage"},
    "measure_level_coverage_help": {"ja": "その区分（都道府県、指定都市、指定都市を除く市区町村）の団体のうち、計画を策定済み（単独または他の計画に包含）の団体の割合。最新の基準日に報告のない団体は未策定として数えます。", "en": "The share of the governments of a level (prefectures, designated cities, other municipalities) that have adopted a plan, standalone or included in another plan. Governments not reported on the latest as-of date count as without a plan."},
    "no_plan_data": {"ja": "計画の策定状況データがありません。", "en": "No plan status data."},
    "source_kind_indicators": {"ja": "都道府県別指標", "en": "Prefecture indicators"},
    "source_kind_subsidy_records": {"ja": "補助事業の実績", "en": "Subsidy records"},
    "source_kind_local_plans": {"ja": "地方計画の策定状況", "en": "Local-plan status"},
    "source_kind_estat": {"ja": "e-Stat", "en": "e-Stat"},
    "lineage_progress": {"ja": "地域別進捗", "en": "Progress by region"},
    "lineage_subsidy": {"ja": "補助事業", "en": "Subsidy programme"},
    "lineage_plans": {"ja": "計画策定", "en": "Local plans"},
    "lineage_indicators": {"ja": "指標", "en": "Indicators"},
    "lineage_source_templates": {"ja": "入力テンプレート（都道府県・市区町村から。同梱分はサンプル）", "en": "Input templates (from prefectures and municipalities; the bundled ones are sample)"},
    "lineage_source_estat": {"ja": "e-Stat（政府統計の総合窓口）", "en": "e-Stat (official statistics portal)"},
    # --- extracts page ---
    "page_extracts": {"ja": "都道府県別データ", "en": "Prefecture extracts"},
    "extracts_caption": {
        "ja": (
            "都道府県ごとのデータ（指標と全国比較、補助事業、全市区町村の計画策定状況、"
            "警察署別・市区町村別の犯罪件数）を、説明（出典・時点・利用条件・サンプルの有無）"
            "付きでダウンロードできます。"
        ),
        "en": (
            "Download one prefecture's data (indicators against the nation, subsidy record, "
            "plan status of every municipality, crime by police station and municipality) "
            "with a Japanese README on sources, dates, licences and sample data."
        ),
    },
    "extracts_formats": {"ja": "形式", "en": "Formats"},
    "extracts_format_csv": {"ja": "CSV（表ごと）", "en": "CSV (one per table)"},
    "extracts_format_xlsx": {
        "ja": "Excel（XLSX、説明シート付き）",
        "en": "Excel (XLSX, with a metadata sheet)",
    },
    "extracts_format_parquet": {
        "ja": "Parquet（分析用、英語の列名）",
        "en": "Parquet (for analysis, English column names)",
    },
    "extracts_encoding": {"ja": "CSV の文字コード", "en": "CSV encoding"},
    "extracts_encoding_utf8": {
        "ja": "UTF-8（BOM付き、推奨）",
        "en": "UTF-8 with BOM (recommended)",
    },
    "extracts_encoding_cp932": {
        "ja": "Shift_JIS（CP932、古い Excel 向け）",
        "en": "Shift_JIS (CP932, for old Excel)",
    },
    "extracts_no_format": {
        "ja": "形式を1つ以上選んでください。",
        "en": "Choose at least one format.",
    },
    "extracts_build": {"ja": "ファイルを作成", "en": "Build the files"},
    "extracts_building": {"ja": "作成しています…", "en": "Building…"},
    "extracts_download": {"ja": "{name} をダウンロード", "en": "Download {name}"},
    "extracts_contents": {
        "ja": "ZIP の内容（README.txt に各表・各列の説明があります）",
        "en": "What the ZIP holds (README.txt explains every table and column)",
    },
    "extracts_col_table": {"ja": "表", "en": "Table"},
    "extracts_col_sample_rows": {"ja": "うちサンプル", "en": "Sample rows"},
    "extracts_col_suppressed_rows": {"ja": "うち秘匿", "en": "Suppressed rows"},
    "extracts_col_bytes": {"ja": "バイト数", "en": "Bytes"},
    "extracts_skipped": {
        "ja": "作成できなかった表：{table}（{reason}）",
        "en": "Table not built: {table} ({reason})",
    },
    "extracts_suppression": {
        "ja": (
            "小さい数の秘匿：{rule}。伏せた数は CSV・Excel で「X」、"
            "Parquet で空欄になります。"
        ),
        "en": (
            "Small-count suppression: {rule}. Suppressed counts show as X in CSV and Excel "
            "and are empty in Parquet."
        ),
    },
    "extracts_suppression_none": {"ja": "なし", "en": "none"},
    "extracts_nightly": {
        "ja": "毎晩の処理で 47 都道府県すべてのデータが作成され、担当者が配布します。",
        "en": "The nightly run makes all 47 prefectures' extracts; the data team hands them out.",
    },
    "suppressed_note": {"ja": "件数が1〜{n}未満のセルは「X」で秘匿しています（SAIHAN_SUPPRESS_BELOW）。", "en": "Counts from 1 to below {n} are suppressed and shown as X (SAIHAN_SUPPRESS_BELOW)."},
    "templates_title": {"ja": "入力テンプレート", "en": "Input templates"},
    "templates_caption": {"ja": "都道府県・市区町村からデータを受け取るための様式です（日本語見出し、記入要領シート付き）。記入したファイルを受信フォルダに置くと取り込まれます。", "en": "Forms for receiving data from prefectures and municipalities (Japanese headers, with a notes sheet). Drop a filled-in file into the inbox to load it."},
    "template_indicators": {"ja": "都道府県別 再犯防止指標", "en": "Prefecture indicators"},
    "template_subsidy": {"ja": "地域再犯防止推進事業 実施状況", "en": "Regional subsidy programme records"},
    "template_local_plans": {"ja": "地方再犯防止推進計画 策定状況", "en": "Local-plan status"},
    "coverage_title": {"ja": "納品状況（47 都道府県）", "en": "Delivery coverage (47 prefectures)"},
    "coverage_caption": {
        "ja": "都道府県ごと・データごとに、届いている最新の期間と、今日の時点で届いているはずの期間です。期限（期間の終わりから SAIHAN_LATE_AFTER_DAYS 日）を過ぎて届いていないものは「遅れ」、一度も届いていないものは「未着」です。遅れは運用担当者に一度だけ通知します。",
        "en": "Per prefecture and source: the latest period received and the period that should have arrived by today. A delivery past its due date (SAIHAN_LATE_AFTER_DAYS days after the end of its period) is late; one that never arrived is missing. Operators are notified of a late source once.",
    },
    "coverage_summary_title": {"ja": "データごとの期限", "en": "Due dates per source"},
    "coverage_on_time": {"ja": "{latest}（届いています）", "en": "{latest} (received)"},
    "coverage_late": {"ja": "{latest}（遅れ: {expected} が未着）", "en": "{latest} (late: {expected} not received)"},
    "coverage_missing": {"ja": "未着（{expected} が期限切れ）", "en": "missing ({expected} overdue)"},
    "coverage_not_watched": {"ja": "{latest}（期限の設定なし）", "en": "{latest} (not watched)"},
    "coverage_nothing": {"ja": "なし", "en": "none"},
    "coverage_sample": {"ja": "サンプル", "en": "sample"},
    "coverage_all_on_time": {"ja": "期限を過ぎたデータはありません。", "en": "Nothing is overdue."},
    "coverage_some_late": {"ja": "期限を過ぎて届いていないデータが {count} 件（都道府県×データ）あります。", "en": "{count} deliveries (prefecture × source) are overdue."},
    "col_expected": {"ja": "届いているはずの期間", "en": "Expected period"},
    "col_due_on": {"ja": "期限", "en": "Due by"},
    "col_late_count": {"ja": "遅れ・未着の都道府県", "en": "Prefectures late or missing"},
    "col_on_time_count": {"ja": "届いている都道府県", "en": "Prefectures received"},
}


# Municipal and ward maps, and estimated police-station areas (dashboard.maps.municipal).
STRINGS.update({
    "municipal_credit": {
        "ja": "出典：デジタル庁「政策ダッシュボード」地図データ（CC BY 4.0）、SmartNews Media Research Institute「japan-topography」（区）、「国土数値情報（行政区域データ）」（国土交通省）を加工して作成",
        "en": "Source: Digital Agency policy-dashboard map data (CC BY 4.0), SmartNews Media Research Institute japan-topography (wards), MLIT National Land Numerical Information (Administrative Areas), processed",
    },
    "municipal_missing": {
        "ja": "市区町村の境界ファイル（ja_municipality_area.json）が境界ファイルの置き場所にないため、都道府県単位の地図だけを表示しています。取得先は README の「Bundled data and its sources」、置き場所は設定 SAIHAN_GEO_DIR です（運用担当者は saihan geo check で確認できます）。",
        "en": "The municipal boundary file (ja_municipality_area.json) is not in the boundary folder, so only prefecture maps are shown. Where to get it: the README, “Bundled data and its sources”; where to put it: the SAIHAN_GEO_DIR setting (operators can check it with saihan geo check).",
    },
    "municipal_unreadable": {
        "ja": "市区町村の境界ファイルを読めないため、都道府県単位の地図だけを表示しています：{error}",
        "en": "The municipal boundary files cannot be read, so only prefecture maps are shown: {error}",
    },
    "map_scope": {"ja": "地図の範囲", "en": "Map area"},
    "map_scope_japan": {"ja": "全国（市区町村別）", "en": "All of Japan (by municipality)"},
    "plans_municipal_title": {"ja": "市区町村ごとの計画策定状況", "en": "Plan status of each municipality"},
    "plans_municipal_note": {
        "ja": "指定都市は市全体で1区域、東京23区は区ごと。全国表示は境界を約1 kmの精度に簡略化しています。",
        "en": "Designated cities are one area each; Tokyo's 23 special wards are drawn one by one. The national view simplifies borders to about 1 km.",
    },
    "progress_municipal_title": {"ja": "{pref}の市区町村の計画策定状況", "en": "Plan status of the municipalities of {pref}"},
    "crime_municipal_map_title": {"ja": "市区町村・区ごとの認知件数（発生地）", "en": "Incidents per municipality and ward (place of occurrence)"},
    "crime_unplaced_note": {
        "ja": "{n} 件は地図上に置けません（市区町村コードが空欄・不正、または区ごとに描く指定都市の市全体のコード）。表には含まれています。",
        "en": "{n} incidents cannot be placed on the map (a blank or invalid municipal code, or a designated city's own code where the city is drawn by ward). The table includes them.",
    },
    "hover_incidents": {"ja": "認知件数", "en": "Incidents"},
    "hover_status": {"ja": "計画", "en": "Plan"},
    "station_map_title": {"ja": "警察署の推定管轄（公開境界がないため発生地から推定）", "en": "Estimated police-station areas, from where incidents occurred"},
    "station_hover_title": {"ja": "{station}（推定管轄）", "en": "{station} (estimated area)"},
    "station_method": {
        "ja": "推定の方法：警察署の管轄区域の境界は公開されていないため、犯罪オープンデータの発生地から推定しています。各市区町村（指定都市は区）を、読み込んだ全年次でその地域の認知件数を最も多く計上した警察署の区域とし、署ごとにそれらの区域を合わせて描いています。正式な管轄区域ではありません。",
        "en": "Method: no public boundaries of police-station jurisdictions exist, so they are estimated from where the crime open data's incidents occurred. Each municipality (ward, in designated cities) is given to the station that recorded most of its incidents over every data year loaded, and each station is drawn as the union of its areas. These are not the official jurisdictions.",
    },
    "station_undrawn_note": {
        "ja": "次の {n} 署は、どの市区町村でも最多ではないため地図に区域がありません：{stations}",
        "en": "Stations that lead in no municipality, and so have no area on the map ({n}): {stations}",
    },
    "station_share_title": {"ja": "警察署ごとの市区町村と件数の割合", "en": "Each station's municipalities and their share of its incidents"},
    "col_share_of_station": {"ja": "署の件数に占める割合（%）", "en": "Share of the station's incidents (%)"},
    "col_main_station": {"ja": "推定管轄に含む", "en": "In its estimated area"},
    "hover_main_areas": {"ja": "区域", "en": "Areas"},
})


# The subsidy menus' names are the reference data's (data/reference/subsidy_menu.csv).
STRINGS.update({f"menu_{menu.menu}": {"ja": menu.name_ja, "en": menu.name_en}
                for menu in subsidy_menus()})

# The ranking view (page and the regional comparison on 地域別進捗).
STRINGS.update({
    "page_ranking": {"ja": "都道府県ランキング", "en": "Prefecture ranking"},
    "ranking_caption": {
        "ja": "47 都道府県を一つの項目で並べ、全国値（または都道府県平均）と地方を添えて表示します。",
        "en": "The 47 prefectures ordered on one measure, with the national value (or the prefectures' mean) and their region.",
    },
    "report_coverage": {"ja": "市区町村の計画策定率", "en": "Municipal plan coverage"},
    "ranking_measure": {"ja": "項目", "en": "Measure"},
    "ranking_order": {"ja": "並び順", "en": "Order"},
    "ranking_desc": {"ja": "大きい順", "en": "Largest first"},
    "ranking_asc": {"ja": "小さい順", "en": "Smallest first"},
    "measure_subsidy_direct_support_menus": {"ja": "地域再犯防止推進事業 直接支援メニュー数", "en": "Regional subsidy programme: direct-support menus"},
    "measure_subsidy_project_cost_yen": {"ja": "地域再犯防止推進事業 事業費", "en": "Regional subsidy programme: project cost"},
    "measure_subsidy_national_share_yen": {"ja": "地域再犯防止推進事業 国庫補助額", "en": "Regional subsidy programme: national share"},
    "measure_crime_incidents": {"ja": "犯罪オープンデータの認知件数", "en": "Incidents in the police crime open data"},
    "measure_crime_incidents_per_100k": {"ja": "犯罪オープンデータの認知件数（人口10万人当たり）", "en": "Incidents in the police crime open data per 100,000 residents"},
    "measure_indicator": {"ja": "指標 {number}：{name}", "en": "Indicator {number}: {name}"},
    "measure_unit_ratio": {"ja": "%", "en": "%"},
    "measure_unit_yen": {"ja": "円", "en": "yen"},
    "measure_unit_menus": {"ja": "メニュー", "en": "menus"},
    "measure_unit_incidents": {"ja": "件", "en": "incidents"},
    "measure_unit_per_100k": {"ja": "件/10万人", "en": "per 100,000"},
    "measure_unit_menus_one": {"ja": "メニュー", "en": "menu"},
    "measure_unit_incidents_one": {"ja": "件", "en": "incident"},
    "ranking_national_mean": {"ja": "都道府県平均（値のある都道府県）", "en": "Mean of the prefectures with a value"},
    "ranking_national_value": {"ja": "全国値", "en": "National value"},
    "ranking_ranked": {"ja": "値のある都道府県", "en": "Prefectures with a value"},
    "ranking_period": {"ja": "時点", "en": "Period"},
    "ranking_summary": {
        "ja": "{measure}：値のある {n} 都道府県のうち最も大きいのは{top}（{top_value}）、最も小さいのは{bottom}（{bottom_value}）。{national}は{national_value}。",
        "en": "{measure}: of the {n} prefectures with a value, the largest is {top} ({top_value}) and the smallest {bottom} ({bottom_value}). {national}: {national_value}.",
    },
    "ranking_summary_one": {
        "ja": "{measure}：値のある {n} 都道府県のうち最も大きいのは{top}（{top_value}）、最も小さいのは{bottom}（{bottom_value}）。{national}は{national_value}。",
        "en": "{measure}: only {top} has a value ({top_value}). {national}: {national_value}.",
    },
    "ranking_summary_none": {"ja": "{measure}：値のある都道府県はまだありません。", "en": "{measure}: no prefecture has a value yet."},
    "ranking_unranked": {"ja": "値のない都道府県（{n}）は表の最後にあります。", "en": "The {n} prefectures without a value are at the end of the table."},
    "ranking_unranked_one": {"ja": "値のない都道府県（{n}）は表の最後にあります。", "en": "The one prefecture without a value is at the end of the table."},
    "ranking_region_mean": {"ja": "地方平均", "en": "Regional mean"},
    "col_rank": {"ja": "順位", "en": "Rank"},
    "col_region_rank": {"ja": "地方内の順位", "en": "Rank in region"},
    "table_view": {"ja": "データ表で見る", "en": "See the data as a table"},
    "alt_series": {"ja": "{first}から{last}に {start} → {end}（{name}）", "en": "{start} → {end} from {first} to {last} ({name})"},
    "alt_point": {"ja": "{period}に {value}（{name}）", "en": "{value} in {period} ({name})"},
    "alt_sentence_separator": {"ja": "。", "en": "; "},
    "alt_sentence_end": {"ja": "。", "en": "."},
    "alt_no_data": {"ja": "表示するデータはありません。", "en": "There are no data to show."},
    "alt_bars": {"ja": "{what}が最も多いのは{top}（{top_n}）、最も少ないのは{bottom}（{bottom_n}）。", "en": "{what}: the most in {top} ({top_n}), the fewest in {bottom} ({bottom_n})."},
    "alt_bars_total": {"ja": "合計 {n}。", "en": " {n} in all."},
    "alt_heatmap": {"ja": "最も多いのは{weekday}曜 {hour}時台（{n} 件）、最も少ないのは{low_weekday}曜 {low_hour}時台（{low_n} 件）。", "en": "The most incidents on {weekday} at {hour}:00 ({n}), the fewest on {low_weekday} at {low_hour}:00 ({low_n})."},
    "alt_category": {"ja": "{name} {n}", "en": "{name}: {n}"},
    "alt_categories": {"ja": "{total} 都道府県のうち {parts}。", "en": "Of {total} prefectures: {parts}."},
    "alt_categories_municipal": {"ja": "{total} 市区町村のうち {parts}。", "en": "Of {total} municipalities: {parts}."},
    "alt_plan_level": {"ja": "{level}：{total} 団体中 {n} 団体が策定済み", "en": "{level}: {n} of {total} have a plan"},
    "col_weekday": {"ja": "曜日", "en": "Weekday"},
    "axis_incidents": {"ja": "認知件数（件）", "en": "Incidents (number)"},
    "axis_month": {"ja": "発生月", "en": "Month of occurrence"},
    "axis_year": {"ja": "年", "en": "Year"},
    "axis_prefectures": {"ja": "都道府県数", "en": "Prefectures (number)"},
    "axis_share_of_governments": {"ja": "団体数に占める割合（%）", "en": "Share of the governments (%)"},
    "scale_national": {"ja": "全国 {value}", "en": "Japan {value}"},
    "col_menu": {"ja": "メニュー", "en": "Menu"},
    "region_compare_title": {"ja": "同じ地方の都道府県との比較（{region}）", "en": "Compared with the prefectures of the same region ({region})"},
    "region_compare_caption": {
        "ja": "括弧内は地方内の順位（値の大きい順）／順位のある都道府県数。最終行の全国は、率と指標は全国値、件数・金額は都道府県平均です。",
        "en": "In brackets: rank in the region (largest first) / prefectures ranked. The last row is the national value for ratios and indicators and the prefectures' mean for counts and amounts.",
    },
    "with_unit": {"ja": "{name}（{unit}）", "en": "{name} ({unit})"},
    "ranking_link": {"ja": "全都道府県のランキングを見る", "en": "See the ranking of all prefectures"},
})


# The one-page prefecture report (prints on one A4 sheet).
STRINGS.update({
    "page_report": {"ja": "都道府県レポート", "en": "Prefecture report"},
    "report_caption": {
        "ja": "一つの都道府県を1枚にまとめた報告です。ブラウザの印刷（Ctrl+P / ⌘P）で A4 1枚に印刷でき、送信先に「PDFに保存」を選ぶと PDF になります。",
        "en": "One prefecture on one page. Print it from the browser (Ctrl+P / ⌘P) onto one A4 sheet, or choose \"Save as PDF\" as the destination for a PDF.",
    },
    "report_title": {"ja": "{pref}の再犯防止の取組", "en": "Recidivism prevention in {pref}"},
    "report_print": {"ja": "印刷・PDF保存", "en": "Print or save as PDF"},
    "report_indicators": {"ja": "指標（全国値との比較）", "en": "Indicators against the national value"},
    "report_crime": {"ja": "犯罪の推移（月別の認知件数、全手口）", "en": "Crime trend (incidents per month, all modus)"},
    "report_crime_none": {"ja": "この都道府県の犯罪オープンデータはまだ取り込まれていません。", "en": "No police crime open data of this prefecture has been loaded yet."},
    "report_crime_summary": {"ja": "{first}〜{last}の認知件数 {n} 件（月平均 {mean} 件、最多は{peak}の {peak_n} 件）。", "en": "{n} incidents from {first} to {last} ({mean} a month on average; most in {peak}: {peak_n})."},
    "report_subsidy_line": {"ja": "{fy}：{status}（直接支援メニュー {menus}、国庫補助額 {share}）", "en": "{fy}: {status} (direct-support menus: {menus}; national share {share})"},
    "report_subsidy_years": {"ja": "実施した年度：{years}", "en": "Years taken part: {years}"},
    "report_none": {"ja": "なし", "en": "none"},
    "report_vs_national": {"ja": "全国 {national}（差 {difference} pt）", "en": "Japan {national} ({difference} pt)"},
    "col_indicator_number": {"ja": "指標番号", "en": "No."},
    "report_all_modus": {"ja": "全手口", "en": "All modus"},
    "report_sources": {"ja": "出典：{sources}", "en": "Sources: {sources}"},
    "report_indicators_none": {"ja": "この都道府県の指標はまだ届いていません。", "en": "No indicators of this prefecture have been delivered yet."},
})


# Login, roles and the access trail (dashboard.access).
STRINGS.update({
    "access_open_banner": {
        "ja": "ローカル公開モード：ログインなしで全データを表示しています。この画面はこのコンピューター（127.0.0.1）からしか開けません。ほかの人に公開するときはログインを設定してください（README「ログインと権限」）。",
        "en": "Local open mode: all data is shown without login. Only this computer (127.0.0.1) can open this page. Configure login before serving others (README, \"Login and roles\").",
    },
    "access_public_banner": {
        "ja": "公開データのみを表示しています（白書の公表値と警察の犯罪オープンデータ）。都道府県別の指標・補助事業・計画の詳細とダウンロードはログインが必要です。",
        "en": "Public data only (the white paper's figures and the police crime open data). Prefecture indicators, subsidy and plan details and their downloads need a login.",
    },
    "access_refused": {
        "ja": "このダッシュボードは 127.0.0.1 以外のアドレス（{address}）で起動されましたが、ログインが設定されていないため表示しません。.streamlit/secrets.toml に [auth]（redirect_uri、cookie_secret、client_id、client_secret、server_metadata_url）を設定するか、公開データだけを匿名で見せる場合は SAIHAN_PUBLIC_VIEWER=true を設定してください。",
        "en": "This dashboard was started on an address other than 127.0.0.1 ({address}) without login settings, so it shows nothing. Configure [auth] (redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url) in .streamlit/secrets.toml, or set SAIHAN_PUBLIC_VIEWER=true to show only public data to anyone.",
    },
    "access_every_interface": {"ja": "すべてのネットワーク", "en": "every network interface"},
    "access_login_title": {"ja": "ログインしてください", "en": "Please log in"},
    "access_login_caption": {
        "ja": "所属組織のアカウントでログインします。法務省の担当者はすべてのデータを、都道府県の担当者は全国の集計と自都道府県の詳細・ダウンロードを見られます。",
        "en": "Log in with your organisation's account. Ministry staff see all data; prefecture officers see national aggregates and the detail and downloads of their own prefecture.",
    },
    "access_login": {"ja": "ログイン", "en": "Log in"},
    "access_logout": {"ja": "ログアウト", "en": "Log out"},
    "access_no_role": {
        "ja": "ログインしましたが、権限を決められません（{problem}）。管理者に、役割（{role_claim}）または都道府県（{pref_claim}）の設定を確認するよう依頼してください。",
        "en": "You are logged in, but no role can be given ({problem}). Ask your administrator to check your role ({role_claim}) or prefecture ({pref_claim}).",
    },
    "access_signed_in": {"ja": "{user}（{role}）", "en": "{user} ({role})"},
    "role_ministry": {"ja": "法務省", "en": "Ministry"},
    "role_prefecture": {"ja": "{pref}の担当者", "en": "{pref} officer"},
    "role_viewer": {"ja": "公開データの閲覧者", "en": "Public viewer"},
    "role_operator": {"ja": "運用担当者（saihan extract）", "en": "Operator (saihan extract)"},
    "access_not_yours": {"ja": "この都道府県の詳細は表示できません。自都道府県のデータのみ表示します。", "en": "This prefecture's detail is not yours to see; only your own prefecture is shown."},
    "access_trail_title": {"ja": "アクセス記録", "en": "Access trail"},
    "access_trail_caption": {
        "ja": "ログイン、ダウンロード、都道府県別データの作成の記録です（追記のみ。公開やロールバックでは変わりません）。新しい順に最大500件。",
        "en": "Logins, downloads and extracts, recorded append-only (publishes and rollbacks leave it alone). Newest first, up to 500.",
    },
    "access_trail_none": {"ja": "記録はまだありません。", "en": "Nothing recorded yet."},
    "col_event": {"ja": "操作", "en": "Event"},
    "col_user": {"ja": "利用者", "en": "User"},
    "col_role": {"ja": "役割", "en": "Role"},
    "col_prefectures": {"ja": "都道府県", "en": "Prefectures"},
    "col_visited_page": {"ja": "ページ", "en": "Page"},
    "event_login": {"ja": "ログイン", "en": "Login"},
    "event_download": {"ja": "ダウンロード", "en": "Download"},
    "event_extract": {"ja": "都道府県別データの作成", "en": "Extract"},
    "data_own_only": {"ja": "自都道府県から届いたファイルとその指摘だけを表示しています。", "en": "Only the files delivered by your prefecture and their findings are shown."},
})


def t(key: str, lang: str = "ja", **values: object) -> str:
    """The string for ``key`` in ``lang`` with ``values`` filled in. A count of one (``n=1``)
    takes the key's singular, ``<key>_one``, where English has one ("1 menu", not "1 menus");
    Japanese does not inflect."""
    if f"{key}_one" in STRINGS and str(values.get("n", "")).removesuffix(".0") == "1":
        key = f"{key}_one"
    text = STRINGS[key].get(lang) or STRINGS[key]["ja"]
    return text.format(**values) if values else text


MODUS_EN: dict[str, str] = {
    "ひったくり": "Bag snatching",
    "車上ねらい": "Theft from vehicles",
    "部品ねらい": "Theft of vehicle parts",
    "自動販売機ねらい": "Vending-machine theft",
    "自動車盗": "Car theft",
    "オートバイ盗": "Motorcycle theft",
    "自転車盗": "Bicycle theft",
}


def modus_label(modus: str, lang: str = "ja") -> str:
    """A modus (手口) as published, or its English name."""
    return MODUS_EN.get(modus, modus) if lang == "en" else modus


PLAN_LEVELS: tuple[str, ...] = ("prefecture", "designated_city", "municipality")
PLAN_STATUSES: tuple[str, ...] = ("adopted", "in_preparation", "none", "not_reported")


def level_labels(lang: str = "ja") -> dict[str, str]:
    """Display names of the plan levels (prefecture, designated city, other municipalities)."""
    return {level: t(f"level_{level}", lang) for level in PLAN_LEVELS}


def status_labels(lang: str = "ja") -> dict[str, str]:
    """Display names of the local-plan statuses."""
    return {status: t(f"status_{status}", lang) for status in PLAN_STATUSES}


def unit_label(unit: str, lang: str = "ja") -> str:
    """A unit's display name, or the unit as stored when none is defined."""
    key = f"unit_{unit}"
    return t(key, lang) if key in STRINGS else unit


def source_kind_label(kind: str, lang: str = "ja") -> str:
    """A kind of source's display name, or the kind as stored when none is defined."""
    key = f"source_kind_{kind}"
    return t(key, lang) if key in STRINGS else kind


def year_range_label(first: int, last: int) -> str:
    """Years from first to last, earliest first ("2018–2024"), or one year ("2018")."""
    first, last = min(first, last), max(first, last)
    return str(first) if first == last else f"{first}–{last}"


def date_label(value, lang: str = "ja") -> str:
    """A date written the Japanese way (2024年4月1日) or ISO for English."""
    if value is None:
        return "-"
    if lang == "ja":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def number_label(value: float | int | None, lang: str = "ja") -> str:
    """A number with thousands separators; whole numbers without decimals."""
    if value is None:
        return "-"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def percent_label(ratio: float | None) -> str:
    """A ratio (0-1) as a percentage with one decimal (27.6%), the same on every page."""
    return "-" if ratio is None else f"{ratio * 100:.1f}%"


# --- data vocabularies in English -----------------------------------------------------------------
# What delivered and published data write in Japanese, in English. Proper names (prefectures'
# Japanese names aside: mart.prefecture has English ones) stay as written: municipalities, police
# stations, plan names, files and their columns.

PLACE_TYPE_EN: dict[str, str] = {  # 発生場所 / 発生場所の属性 of the police open data
    "道路上": "On the road",
    "駐車場・駐輪場": "Car or bicycle park",
    "駐車（輪）場": "Car or bicycle park",
    "住宅": "Housing",
    "一戸建住宅": "Detached house",
    "４階建て以上共同住宅": "Apartment building (4 storeys or more)",
    "その他の住宅（３階建て以下共同住宅等）": "Other housing (apartments of 3 storeys or fewer, etc.)",
    "その他": "Other",
    "不明": "Unknown",
}

INDICATOR_EN: dict[str, str] = {  # the plan's indicators as the white paper names them
    "刑法犯検挙者中の再犯者率": "Share of repeat offenders among persons arrested for Penal Code offences",
    "刑法犯検挙者中の刑法犯再犯者数": "Repeat offenders among persons arrested for Penal Code offences",
    "出所受刑者の2年以内再入率": "Re-imprisonment rate within 2 years of release",
    "出所受刑者の2年以内再入者数": "Released prisoners re-imprisoned within 2 years",
}

# Sources and citations: whole phrases first, then numbered parts.
SOURCE_PHRASES_EN: tuple[tuple[str, str], ...] = (
    ("令和2年版再犯防止推進白書 ", "White Paper on Recidivism Prevention 2020, "),
    ("令和3年版再犯防止推進白書 ", "White Paper on Recidivism Prevention 2021, "),
    ("令和4年版再犯防止推進白書 ", "White Paper on Recidivism Prevention 2022, "),
    ("令和2年版犯罪白書", "White Paper on Crime 2020"),
    ("鹿児島県「再犯防止の推進について」", "Kagoshima Prefecture, “Promoting recidivism prevention”"),
    ("法務省 協議会資料2-1", "Ministry of Justice council material 2-1"),
    ("広島県「広島県における再犯防止の取組について」",
     "Hiroshima Prefecture, “Recidivism prevention in Hiroshima Prefecture”"),
    ("法務省 中国・四国ブロック協議会説明資料",
     "Ministry of Justice Chugoku-Shikoku block council material"),
    ("沖縄県「第二次沖縄県再犯防止推進計画」",
     "Okinawa Prefecture, “Second Okinawa Prefecture Recidivism Prevention Plan”"),
    ("神奈川県「神奈川県再犯防止推進計画[第2期](概要版)」",
     "Kanagawa Prefecture, “Kanagawa Prefecture Recidivism Prevention Plan, 2nd term (summary)”"),
    ("長崎県「長崎県再犯防止推進計画」",
     "Nagasaki Prefecture, “Nagasaki Prefecture Recidivism Prevention Plan”"),
    ("八女市「第3次地域福祉計画」第6章 再犯防止推進計画",
     "Yame City, “3rd Community Welfare Plan”, chapter 6, recidivism prevention plan"),
    ("福岡県の値", "Fukuoka Prefecture's value"),
    ("滋賀県「支え手よし・受け手よし・地域よしの再犯防止「三方よし」〜滋賀県における再犯防止の取組〜」",
     "Shiga Prefecture, “Recidivism prevention good for supporters, the supported and the "
     "community: recidivism prevention in Shiga Prefecture”"),
    ("令和2年国勢調査 人口等基本集計", "2020 Population Census, basic complete tabulation"),
    ("国勢調査 2020年", "Population Census 2020"),
    ("特集", "special feature"),
    ("令和6年版再犯防止推進白書 ", "White Paper on Recidivism Prevention 2024, "),
    ("令和6年版再犯防止推進白書", "White Paper on Recidivism Prevention 2024"),
    ("再犯の防止等に関する施策の成果指標", "outcome indicators of recidivism-prevention measures"),
    ("サンプル(架空の都道府県別データ)", "Sample (invented prefecture data)"),
    ("サンプル（架空の都道府県別データ）", "Sample (invented prefecture data)"),
    ("地域再犯防止推進事業の概要", "overview of the regional subsidy programme"),
    ("地域再犯防止推進事業", "Regional subsidy programme"),
    ("地方再犯防止推進計画策定数", "local plans adopted"),
    ("策定方法別", "by method"),
    ("効果", "effect"),
)
_SOURCE_PATTERNS_EN: tuple[tuple[str, str], ...] = (
    (r"第(\d+)章", r"chapter \1"),
    (r"第(\d+)節", r"section \1"),
    (r"【指標番号([\w-]+)】", r" [indicator \1]"),
    (r"【施策番号(\d+)】", r" [measure \1]"),
    (r"資(\d+(?:-\d+)*)", r"material \1"),
    (r"COLUMN\s*(\d+)", r"column \1:"),
    ("（", " ("),
    ("）", ")"),
)


UNIT_EN: dict[str, str] = {"人": "persons", "件": "cases", "%": "%", "％": "%", "団体": "governments"}


def data_unit_label(unit: str | None, lang: str = "ja") -> str:
    """A unit as delivered (人, %), or in English."""
    return UNIT_EN.get(unit or "", unit or "") if lang == "en" else (unit or "")


def place_type_label(place_type: str, lang: str = "ja") -> str:
    """A place type (発生場所) as published, or in English."""
    return PLACE_TYPE_EN.get(place_type, place_type) if lang == "en" else place_type


def indicator_label(name: str, lang: str = "ja") -> str:
    """An indicator's name as delivered, or its English name when it is one of the plan's."""
    return INDICATOR_EN.get(name, name) if lang == "en" else name


def source_label(source: str | None, lang: str = "ja") -> str:
    """A source or citation as published, or in English (the white paper's titles, chapters,
    sections and numbers; a file name stays as it is)."""
    if source is None or lang != "en":
        return source or ""
    text = unicodedata.normalize("NFKC", source) if "COLUMN" in source else source
    for ja, en in SOURCE_PHRASES_EN:
        text = text.replace(ja, en)
    for pattern, replacement in _SOURCE_PATTERNS_EN:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"(\S)\(", r"\1 (", text)
    return re.sub(r"\s+", " ", text).replace("( ", "(").strip()


def month_label(value, lang: str = "ja") -> str:
    """A month written the Japanese way (2022年5月) or as 2022-05 for English."""
    if value is None:
        return "-"
    return f"{value.year}年{value.month}月" if lang == "ja" else f"{value.year}-{value.month:02d}"
