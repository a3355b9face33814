"""Plotly figures from frames. No Streamlit here: every chart can be built in a test.

Colours come from ``dashboard.theme`` (Okabe-Ito for categories, Cividis for scales).
"""

from __future__ import annotations

import textwrap
import unicodedata
from datetime import date

# Imported here, whole, before any page draws: Plotly looks pandas up in sys.modules without
# importing it (``get_module(..., should_load=False)``), so a page run while another
# session's run is still importing it found a half-initialised module ("partially initialized
# module 'pandas' has no attribute 'Series'", seen on a fresh server in the browser pass).
import pandas  # noqa: F401
import plotly.graph_objects as go
import polars as pl

from dashboard import theme
from dashboard.i18n import PLAN_LEVELS, modus_label, source_label, t
from dashboard.safe import plotly_text as escape
from dashboard.safe import plotly_texts
from dashboard.theme import OKABE_ITO, category_colour

# Characters per line of a legend entry and of an axis title: a phone's chart (about 350 px)
# holds one line of either at 12 to 14 px; the longer English names and titles run past its
# edge unbroken ("Members of the council of municipalities hosting correctional facilities").
LEGEND_WIDTH = 36
TITLE_WIDTH = 36
# Characters per line of the note under an exported chart's title (11 px Latin letters; a
# Japanese character is about twice as wide): a chart in the page's narrower column is about
# 400 px wide, and a longer line was cut at the image's edge.
NOTE_WIDTH = 68


def _legend_below(fig: go.Figure, y: float = -0.3) -> None:
    """The legend across, under the x axis title: beside the plot it took half a phone's
    chart (the plot squeezed, its ticks turned on end)."""
    fig.update_layout(legend_orientation="h", legend_x=0, legend_y=y, legend_yanchor="top")


def _layout(fig: go.Figure, **kwargs) -> go.Figure:
    fig.update_layout(font_family=theme.FONT, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      **kwargs)
    return fig


def plan_counts_bar(plans: pl.DataFrame, governments: dict[str, int], lang: str) -> go.Figure:
    """Stacked horizontal bars: per level, standalone / included in another plan / none yet."""
    fig = go.Figure()
    labels = [t(f"level_{level}", lang) for level in PLAN_LEVELS]

    def value(level: str, method: str) -> float:
        rows = plans.filter((pl.col("level") == level) & (pl.col("method") == method))
        return float(rows["value"][0]) if rows.height else 0.0

    for method, colour in (("standalone", OKABE_ITO[0]), ("included_in_other", OKABE_ITO[4])):
        values = [value(level, method) for level in PLAN_LEVELS]
        fig.add_bar(y=labels, x=values, name=t(f"method_{method}", lang), orientation="h",
                    marker_color=colour, text=[f"{v:,.0f}" for v in values],
                    textposition="inside", textangle=0)
    missing = [max(governments.get(level, 0) - value(level, "all"), 0) for level in PLAN_LEVELS]
    fig.add_bar(y=labels, x=missing, name=t("method_none", lang), orientation="h",
                marker_color=theme.NONE_FILL, text=[f"{v:,.0f}" for v in missing],
                textposition="inside", textangle=0, textfont_color=theme.NONE_TEXT)
    # the legend under the axis title, clear of it
    fig.update_layout(barmode="stack", barnorm="percent", legend_orientation="h",
                      legend_y=-0.45, legend_yanchor="top", legend_x=0,
                      xaxis_ticksuffix="%", yaxis_autorange="reversed",
                      xaxis_title=t("axis_share_of_governments", lang), height=290,
                      # a count too wide for its segment is left out (the table has it), not
                      # set on end in a smaller size
                      uniformtext_minsize=10, uniformtext_mode="hide")
    return _layout(fig)


SERIES_ORDER: tuple[str, ...] = (
    "plans_all_governments", "plans_prefecture", "plans_designated_city", "plans_municipality",
    "plans_all_municipalities", "municipal_council_members", "correctional_host_members")


def series_label(series_id: str, lang: str) -> str:
    """A national series' name: a level of local plans, or a council's members."""
    if series_id.startswith("plans_"):
        return t(f"level_{series_id.removeprefix('plans_')}", lang)
    return t(f"series_{series_id}", lang)


def national_series(frame: pl.DataFrame, lang: str) -> go.Figure:
    """One line per series over the dates the white papers published it; each point's hover
    names its source (delivered text, escaped)."""
    fig = go.Figure()
    present = set(frame["series_id"].to_list())
    for i, series_id in enumerate(s for s in SERIES_ORDER if s in present):
        rows = frame.filter(pl.col("series_id") == series_id).sort("as_of_on")
        fig.add_scatter(
            x=rows["as_of_on"].to_list(), y=rows["value"].to_list(),
            name=wrapped_label(series_label(series_id, lang), LEGEND_WIDTH),
            mode="lines+markers",
            line_color=category_colour(i), customdata=plotly_texts(
                [source_label(s, lang) for s in rows["source"].to_list()]),
            hovertemplate="%{x|%Y-%m-%d}: %{y:,}<br>%{customdata}<extra></extra>")
    fig.update_layout(yaxis_title=t("governments", lang), height=320, xaxis_type="date",
                      xaxis_tickformat="%Y-%m", legend_orientation="h", legend_y=-0.2,
                      yaxis_rangemode="tozero")
    return _layout(fig)


def wrapped_note(note: str) -> str:
    """A chart's note (source, as-of, sample mark) in lines that fit the figure, escaped; the
    lines joined again without their ``<br>`` are the note as it was (spaces kept)."""
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in note)
    width = NOTE_WIDTH // 2 if 2 * wide > len(note) else NOTE_WIDTH
    lines = textwrap.wrap(note, width, drop_whitespace=False) or [note]
    return "<br>".join(escape(line) for line in lines)


def with_provenance(fig: go.Figure, title: str, note: str) -> go.Figure:
    """The figure with its title and a note saying source, as-of and sample mark, in as many
    lines as it needs: what an image exported with Plotly's camera button keeps (the page's
    heading and footer stay behind)."""
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 40
    text = wrapped_note(note)
    # from the figure's top edge down, the plot under the note's last line
    fig.update_layout(
        title={"text": escape(title), "font": {"size": 14}, "x": 0, "xanchor": "left",
               "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12},
               "subtitle": {"text": text, "font": {"size": 11}}},
        # a label above the plot (the national value's line) gets a line of its own
        margin_t=max(top, 70, provenance_height(text) + (20 if fig.layout.annotations else 0)),
    )
    return fig


def provenance_height(note: str) -> int:
    """Pixels from the figure's top edge to below a (wrapped) note: padding, the title's line
    and 15 px for each of the note's lines."""
    return 50 + 15 * (note.count("<br>") + 1)


def within_data_years(monthly: pl.DataFrame, first_year: int
                      ) -> tuple[pl.DataFrame, int, date]:
    """The months of ``monthly`` from January of the first data year on, the incidents that
    occurred before it (police files hold a few incidents from years earlier) and that January.
    Every monthly crime chart is trimmed this way."""
    start = date(int(first_year), 1, 1)
    earlier = int(monthly.filter(pl.col("year_month") < start)["incidents"].sum())
    return monthly.filter(pl.col("year_month") >= start), earlier, start


def crime_trend(frame: pl.DataFrame, lang: str, *, value_title: str | None = None
                ) -> go.Figure:
    """Monthly incidents per modus as lines (``value_title`` names another unit, e.g. per
    100,000 residents)."""
    fig = go.Figure()
    for i, modus in enumerate(frame["modus"].unique(maintain_order=True).to_list()):
        rows = frame.filter(pl.col("modus") == modus).sort("year_month")
        fig.add_scatter(x=rows["year_month"].to_list(), y=rows["incidents"].to_list(),
                        name=escape(modus_label(modus, lang)), mode="lines+markers",
                        line_color=category_colour(i))
    fig.update_layout(yaxis_title=value_title or t("axis_incidents", lang),
                      legend_title_text=t("modus", lang), xaxis_title=t("axis_month", lang),
                      height=380, xaxis_type="date", xaxis_tickformat="%Y-%m")
    _legend_below(fig)
    return _layout(fig)


def hour_weekday_heatmap(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Incidents by hour of day (x) and weekday (y), Cividis."""
    weekdays = [t(f"weekday_{d}", lang) for d in range(1, 8)]
    grid = [[0] * 24 for _ in range(7)]
    for weekday, hour, incidents in frame.select("weekday", "hour", "incidents").iter_rows():
        grid[int(weekday) - 1][int(hour)] = incidents
    fig = go.Figure(go.Heatmap(
        z=grid, x=list(range(24)), y=weekdays, colorscale=theme.SEQUENTIAL_SCALE,
        # across, under the hours: beside them it took half a phone's chart
        colorbar={"title": {"text": t("axis_incidents", lang), "side": "top"},
                  "orientation": "h", "x": 0, "xanchor": "left", "y": -0.35,
                  "yanchor": "top", "len": 1, "thickness": 12},
        hovertemplate="%{y} %{x}" + t("hour_suffix", lang) + ": %{z:,}<extra></extra>",
    ))
    fig.update_layout(xaxis_title=t("hour_of_day", lang), xaxis_dtick=2,
                      yaxis_autorange="reversed", height=380)
    return _layout(fig)


def stacked_bars(frame: pl.DataFrame, category: str, lang: str, *, horizontal: bool = True,
                 height: int = 480) -> go.Figure:
    """Incidents per ``category`` stacked by modus (Okabe-Ito colours)."""
    fig = go.Figure()
    # most incidents first; equal totals by name, so two renders draw the same order
    order = (frame.group_by(category).agg(pl.col("incidents").sum())
             .sort(["incidents", category], descending=[True, False])[category].to_list())
    shown = plotly_texts(order)  # place types and stations are delivered text
    for i, modus in enumerate(frame["modus"].unique(maintain_order=True).to_list()):
        rows = frame.filter(pl.col("modus") == modus)
        values = dict(zip(rows[category].to_list(), rows["incidents"].to_list(), strict=True))
        data = [values.get(c, 0) for c in order]
        kwargs = {"y": shown, "x": data, "orientation": "h"} if horizontal else \
            {"x": shown, "y": data}
        fig.add_bar(name=escape(modus_label(modus, lang)), marker_color=category_colour(i),
                    **kwargs)
    fig.update_layout(barmode="stack", legend_title_text=t("modus", lang), height=height,
                      **{f"{'x' if horizontal else 'y'}axis_title": t("axis_incidents", lang)})
    _legend_below(fig, -0.15)
    if horizontal:
        fig.update_layout(yaxis_autorange="reversed")
    return _layout(fig)


def wrapped_label(label: str, width: int = 20) -> str:
    """A bar's label (delivered text, escaped) in lines of about ``width`` characters: a long
    one ("Other housing (apartments of 3 storeys or fewer, etc.)") would leave a phone's chart
    no room for its bars. English breaks between words, Japanese every ``width`` characters."""
    if len(label) <= width:
        return escape(label)
    lines: list[str] = []
    if " " in label:
        for word in label.split(" "):
            if lines and len(lines[-1]) + 1 + len(word) <= width:
                lines[-1] += " " + word
            else:
                lines.append(word)
    else:
        lines = [label[k:k + width] for k in range(0, len(label), width)]
    return "<br>".join(escape(line) for line in lines)


def simple_bars(labels: list[str], values: list[float], lang: str, *, height: int = 360,
                value_title: str | None = None) -> go.Figure:
    """One series of horizontal bars, largest first; long labels in two or more lines, the
    chart tall enough that the lines of neighbouring labels do not overlap."""
    shown = [wrapped_label(label) for label in labels]
    # bars are spaced evenly: each row as tall as the label with most lines (14 px a line)
    row = 10 + 14 * max((label.count("<br>") + 1 for label in shown), default=1)
    fig = go.Figure(go.Bar(y=shown, x=values, orientation="h", marker_color=OKABE_ITO[0],
                           text=[f"{v:,.0f}" for v in values], textposition="auto",
                           textangle=0))
    fig.update_layout(yaxis_autorange="reversed", height=max(height, 130 + row * len(shown)),
                      xaxis_title=value_title or t("axis_incidents", lang))
    return _layout(fig)


def indicator_trend(frame: pl.DataFrame, names: dict[str, str], lang: str,
                    unit: str) -> go.Figure:
    """One line per prefecture (and a thick black line for the nation) over periods."""
    fig = go.Figure()
    codes = frame["pref_code"].unique(maintain_order=True).to_list()
    others = [c for c in codes if c != "00"]
    for i, code in enumerate(["00", *others] if "00" in codes else others):
        rows = frame.filter(pl.col("pref_code") == code).sort("period_year", "period")
        national = code == "00"
        fig.add_scatter(
            x=rows["period_year"].to_list(), y=rows["value"].to_list(),
            name=escape(names.get(code, code)), mode="lines+markers",
            customdata=[escape(p) for p in rows["period"].to_list()],
            hovertemplate="%{customdata}: %{y:,}<extra>%{fullData.name}</extra>",
            line={"color": theme.NATIONAL_LINE if national else category_colour(i),
                  "width": 4 if national else 2},
        )
    # Years are numbers on a linear axis: they run left to right whatever order rows came in.
    fig.update_layout(yaxis_title=escape(t("with_unit", lang, name=t("col_value", lang),
                                           unit=unit)) if unit else t("col_value", lang),
                      xaxis_title=t("axis_year", lang), height=360, xaxis_type="linear",
                      xaxis_tickformat="d", xaxis_dtick=1)
    return _layout(fig)


def ranking_bars(labels: list[str], values: list[float | None], regions: list[str],
                 national: float | None, national_name: str, value_title: str,
                 region_order: list[str] | None = None) -> go.Figure:
    """One horizontal bar per prefecture in the given order, coloured by region (legend in
    ``region_order``), with the national value as a dashed line (labelled) when there is one."""
    fig = go.Figure()
    order = region_order or list(dict.fromkeys(regions))
    shown = plotly_texts(labels)
    for i, region in enumerate(order):
        rows = [k for k, r in enumerate(regions) if r == region]
        fig.add_bar(y=[shown[k] for k in rows], x=[values[k] for k in rows], orientation="h",
                    name=escape(region), marker_color=category_colour(i),
                    hovertemplate="%{y}: %{x:,}<extra>%{fullData.name}</extra>")
    if national is not None:
        fig.add_vline(x=national, line_dash="dash", line_color=theme.NATIONAL_LINE,
                      annotation_text=escape(national_name), annotation_position="top")
    fig.update_layout(
        barmode="overlay", height=max(360, 18 * len(labels) + 120),
        xaxis_title=wrapped_label(value_title, TITLE_WIDTH), xaxis_automargin=True,
        legend_title_text="",
        yaxis={"categoryorder": "array", "categoryarray": shown, "autorange": "reversed",
               "automargin": True},
    )
    # under the axis title (the chart is as tall as its 47 bars: 0.08 is about 70 px); above
    # the plot it lay under the exported image's title and note
    _legend_below(fig, -0.08)
    return _layout(fig)
