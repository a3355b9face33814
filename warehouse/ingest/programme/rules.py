"""For each programme raw table: the natural key of a row, the columns two rows with that key
must agree on (within one file a difference rejects the file; between deliveries it is a
finding, :mod:`warehouse.load_findings`) and the column that names the row in messages.
Identifiers come only from this fixed allowlist."""

from __future__ import annotations

from warehouse.reference import menu_keys

#: The menu columns of raw.subsidy_record (ref.subsidy_menu, in order).
MENU_COLUMNS: tuple[str, ...] = menu_keys()

ROW_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "local_plan": (("lg_code", "as_of_on"),
                   ("status", "method", "plan_form", "plan_name", "adopted_on",
                    "period_start_on", "period_end_on"), "lg_code"),
    "subsidy_record": (("fiscal_year", "pref_code"),
                       ("is_participating", *MENU_COLUMNS, "project_cost_yen",
                        "national_share_yen"), "pref_code"),
    "indicator_value": (("edition", "indicator_key", "unit", "pref_code", "period"),
                        ("value", "value_note", "numerator", "denominator"), "indicator_name"),
}

