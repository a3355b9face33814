"""Plotly figures from frames. No Streamlit here: every chart can be built in a test.

Colours are colour-blind safe (Okabe-Ito for categories, Cividis for scales).
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.i18n import t

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000"]
LEVELS = ("prefecture", "designated_city", "municipality")
FONT = "Noto Sans CJK JP, Hiragino Sans, Meiryo, sans-serif"


def _layout(fig: go.Figure, **kwargs) -> go.Figure:
    fig.update_layout(font_family=FONT, margin={"l": 10, "r": 10, "t": 40, "b": 10}, **kwargs)
    return fig


def plan_counts_bar(plans: pl.DataFrame, governments: dict[str, int], lang: str) -> go.Figure:
    """Stacked horizontal bars: per level, standalone / included in another plan / none yet."""
    fig = go.Figure()
    labels = [t(f"level_{level}", lang) for level in LEVELS]

    def value(level: str, method: str) -> float:
        rows = plans.filter((pl.col("level") == level) & (pl.col("method") == method))
        return float(rows["value"][0]) if rows.height else 0.0

    for method, colour in (("standalone", OKABE_ITO[0]), ("included_in_other", OKABE_ITO[4])):
        values = [value(level, method) for level in LEVELS]
        fig.add_bar(y=labels, x=values, name=t(f"method_{method}", lang), orientation="h",
                    marker_color=colour, text=[f"{v:,.0f}" for v in values],
                    textposition="inside")
    missing = [max(governments.get(level, 0) - value(level, "all"), 0) for level in LEVELS]
    fig.add_bar(y=labels, x=missing, name=t("method_none", lang), orientation="h",
                marker_color="#DDDDDD", text=[f"{v:,.0f}" for v in missing],
                textposition="inside", textfont_color="#333333")
    fig.update_layout(barmode="stack", barnorm="percent", legend_orientation="h",
                      legend_y=-0.15, xaxis_ticksuffix="%", yaxis_autorange="reversed",
                      height=260)
    return _layout(fig)


def crime_trend(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Monthly incidents per modus as lines."""
    fig = go.Figure()
    for i, modus in enumerate(frame["modus"].unique(maintain_order=True).to_list()):
        rows = frame.filter(pl.col("modus") == modus)
        fig.add_scatter(x=rows["year_month"], y=rows["incidents"], name=modus, mode="lines",
                        line_color=OKABE_ITO[i % len(OKABE_ITO)])
    fig.update_layout(yaxis_title=t("incidents", lang), legend_title_text=t("modus", lang),
                      height=320, xaxis_tickformat="%Y-%m")
    return _layout(fig)
