"""The words of the boundary check (``saihan geo check``), Japanese then English: a boundary
file that cannot be read, each kind of difference from the reference list and how it is handled
(a table, like ``warehouse/reasons.py`` is for rejected deliveries)."""

from __future__ import annotations

from pathlib import Path

# What went wrong with a boundary file, and what to do; {file}, {line}, {column} filled in.
FILE_PROBLEMS: dict[str, dict[str, str]] = {
    "not_utf8": {
        "ja": "{file}: {byte} バイト目が UTF-8 として読めません。公開元から取得したファイルを"
              "そのまま（編集せずに）置き直してください。",
        "en": "{file}: byte {byte} is not UTF-8. Put the file back as downloaded from its "
              "publisher, unedited.",
    },
    "not_json": {
        "ja": "{file}: {line} 行 {column} 列目で JSON が壊れています（途中で切れたダウンロードなど）。"
              "公開元から取得し直して置き直してください。",
        "en": "{file}: the JSON is broken at line {line}, column {column} (a cut-off download?). "
              "Download it again from its publisher and put it back.",
    },
    "no_object": {
        "ja": "{file}: TopoJSON に「{name}」がありません。デジタル庁 policy-dashboard-assets の "
              "data/map/ja_municipality_area.json を置いてください。",
        "en": "{file}: the TopoJSON has no object “{name}”. Put digital-go-jp/"
              "policy-dashboard-assets' data/map/ja_municipality_area.json there.",
    },
    "no_features": {
        "ja": "{file}: GeoJSON の FeatureCollection ではありません。smartnews-smri/"
              "japan-topography の N03-21_210101.json を置いてください。",
        "en": "{file}: not a GeoJSON FeatureCollection. Put smartnews-smri/japan-topography's "
              "N03-21_210101.json there.",
    },
}

DIFFERENCE_KINDS: dict[str, dict[str, str]] = {
    "not_in_reference": {"ja": "参照リストにない", "en": "not in the reference list"},
    "not_in_file": {"ja": "境界ファイルにない", "en": "not in the boundary file"},
    "name_differs": {"ja": "名称が異なる", "en": "name differs"},
}

HANDLING: dict[str, dict[str, str]] = {
    "dropped": {"ja": "描画しない（境界の年次が参照リスト（2024年1月1日）と異なるため）",
                "en": "not drawn (its boundary year differs from the reference list, 2024-01-01)"},
    "not_drawn": {"ja": "地図に描けない（表には出る）",
                  "en": "cannot be drawn on the map (shown in the tables)"},
    "city_whole": {"ja": "この指定都市は区に分けず市全体で描く（区の件数は市に合算）",
                   "en": "its designated city is drawn whole (its wards' counts added to the city)"},
    "drawn_by_code": {"ja": "コードで結び付けて描く（名称は参照リストのもの）",
                      "en": "drawn by its code (named as in the reference list)"},
}

SOURCES: dict[str, dict[str, str]] = {
    "municipal": {"ja": "市区町村（デジタル庁, N03-2025）", "en": "municipalities (デジタル庁, N03-2025)"},
    "wards": {"ja": "指定都市の区（SmartNews, N03-2021）",
              "en": "wards of designated cities (SmartNews, N03-2021)"},
}

REPORT: dict[str, dict[str, str]] = {
    "folder": {"ja": "境界ファイルのフォルダ: {folder}", "en": "Boundary folder: {folder}"},
    "found": {"ja": "{what}: {path}", "en": "{what}: {path}"},
    "missing": {
        "ja": "{what}: {file} が見つかりません（地図は都道府県単位のまま）。取得先は README の"
              "「Bundled data and its sources」を参照。",
        "en": "{what}: {file} not found (maps stay at prefecture level). Where to get it: the "
              "README, “Bundled data and its sources”.",
    },
    "missing_wards": {
        "ja": "{what}: {file} が見つかりません（指定都市は区に分けず市全体で描きます）。取得先は README の「Bundled data and its sources」を参照。",
        "en": "{what}: {file} not found (designated cities are drawn whole, not by ward). Where to get it: the README, “Bundled data and its sources”.",
    },
    "counts": {"ja": "描画できる市区町村 {municipalities:,}、区 {wards:,}（区で描く指定都市 {cities}）",
               "en": "Drawable: {municipalities:,} municipalities, {wards:,} wards "
                     "({cities} designated cities drawn by ward)"},
    "no_differences": {"ja": "参照リストとの差異はありません。",
                       "en": "No differences from the reference list."},
    "differences": {"ja": "参照リストとの差異 {n} 件:", "en": "{n} differences from the reference list:"},
    "difference": {"ja": "  {source} {lg_code} {name}: {kind} → {handling}",
                   "en": "  {source} {lg_code} {name}: {kind} → {handling}"},
}


def say(table: dict[str, dict[str, str]], key: str, lang: str, **params: object) -> str:
    """One text of a table in ``lang``, filled in."""
    return table[key][lang].format(**params)


class GeoFileError(ValueError):
    """A boundary file that cannot be read: which file, where, and what to do (ja and en)."""

    def __init__(self, code: str, path: Path, **params: object) -> None:
        self.code, self.path, self.params = code, path, params
        super().__init__(self.text("ja") + "\n" + self.text("en"))

    def text(self, lang: str, *, name_only: bool = False) -> str:
        """What is wrong, in ``lang``; ``name_only`` names the file without its folder (for a
        page, which shows no server path)."""
        return say(FILE_PROBLEMS, self.code, lang,
                   **{"line": "", "column": "", "byte": "", "name": "", **self.params,
                      "file": self.path.name if name_only else self.path})
