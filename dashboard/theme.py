"""The dashboard's colours and font, in one place so charts and maps look like one product.

Colours are colour-blind safe: Okabe-Ito for categories, Cividis for numeric scales.
"""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design": eight colours told apart with any colour vision.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
SEQUENTIAL_SCALE = "Cividis"  # perceptually uniform, readable with colour-vision deficiency
NATIONAL_LINE = "#000000"  # the national series, drawn thick beside the prefectures
NONE_FILL = "#DDDDDD"  # "no plan yet" in stacked bars
NONE_TEXT = "#333333"
MISSING_FILL = "#CCCCCC"  # a prefecture without a value on a map
BORDER = "#FFFFFF"  # prefecture borders
INSET_FRAME = "#999999"  # the frame around the Okinawa inset
LABEL_DARK = "#1A1A1A"
LABEL_LIGHT = "#FFFFFF"
# Labels on a computed fill: pure black, so that every fill has one label colour with a WCAG
# contrast of 4.5:1 or more (with #1A1A1A, fills of luminance near 0.2 reach only 4.2:1).
LABEL_ON_FILL = ("#000000", "#FFFFFF")
LEGEND_BACKGROUND = "rgba(255,255,255,0.8)"
TRANSPARENT = "rgba(0,0,0,0)"
FONT = "Noto Sans CJK JP, Hiragino Sans, Meiryo, sans-serif"


def category_colour(i: int) -> str:
    """The i-th Okabe-Ito colour, cycling after eight."""
    return OKABE_ITO[i % len(OKABE_ITO)]

FOCUS_RING = "#0B5FFF"  # the keyboard-focus outline: 3:1 or more against white and light grey
# Keyboard focus stays visible on every link, button, tab and field (WCAG 2.4.7).
FOCUS_CSS = (
    "<style>:focus-visible{outline:3px solid " + FOCUS_RING + " !important;"
    "outline-offset:2px !important;}</style>"
)


def _rgb(colour: str) -> tuple[float, float, float]:
    """``#rrggbb`` or ``rgb(r, g, b)`` as three channels from 0 to 1."""
    text = colour.strip()
    if text.startswith("#") and len(text) == 7:
        return tuple(int(text[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]
    if text.startswith("rgb"):
        parts = text[text.index("(") + 1 : text.index(")")].split(",")[:3]
        return tuple(float(p) / 255 for p in parts)  # type: ignore[return-value]
    raise ValueError(f"not a #rrggbb or rgb() colour: {colour!r}")


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a colour (0 black to 1 white)."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(colour)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def label_colour(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (at least 4.5:1 on any fill)."""
    return max(LABEL_ON_FILL, key=lambda label: contrast_ratio(label, fill))

# The prefecture report on paper: as wide on screen as on an A4 sheet (its three KPIs, words
# such as "Participating", in a smaller size to fit a third of it; charts are drawn for
# the width they have and do not shrink when printed), one sheet, only the report (no sidebar,
# header, toolbars, chart buttons, the report's own controls or the chart's table view, whose
# one-line summary stays), the page's own scroll containers let go so that everything prints,
# and backgrounds (the sample badges) kept.
PRINT_CSS = """<style>
[data-testid="stMainBlockContainer"] { max-width: 736px !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 1.75rem !important; }
@page { size: A4; margin: 10mm 11mm; }
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], [data-testid="stElementToolbar"], .modebar-container,
  .st-key-report_controls, [data-testid="stExpander"] { display: none !important; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    height: auto !important; overflow: visible !important; position: static !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; }
  [data-testid="stVerticalBlock"] { gap: 0.35rem !important; }
  h1 { font-size: 1.5rem !important; padding: 0 0 0.25rem 0 !important; }
  h3 { font-size: 1.05rem !important; padding: 0.25rem 0 0 0 !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>"""

# Text at 4.5:1 or more (WCAG 1.4.3) where Streamlit's own styles fall short: captions are
# drawn at 60 % opacity (grey #828180, 3.9:1; the sample badge inside one 2.7:1), so they get
# full opacity and a darker grey; the chosen option of a segmented control a darker red.
CAPTION_TEXT = "#5C5C5C"  # 6.7:1 on white
SELECTED_TEXT = "#A3202F"  # 6.3:1 on Streamlit's pale pink
CONTRAST_CSS = (
    "<style>[data-testid='stCaptionContainer']{opacity:1 !important;color:"
    + CAPTION_TEXT + " !important;}"
    # the chosen option of a segmented control: Streamlit's red on pink is 4.47:1
    "button[data-variant='segmented_control'][data-selected='true'],"
    "button[data-variant='segmented_control'][data-selected='true'] p{color:" + SELECTED_TEXT
    + " !important;}</style>"
)

# A chart's title and its source line are in the figure, so that an image saved with Plotly's
# camera button carries them; on the page the panel's heading and footer already say them, so
# the figure's own are hidden there (one title on screen). The export draws a copy of the
# figure outside the page's chart elements, which this rule does not reach.
CHART_TITLE_CSS = (
    "<style>[data-testid='stPlotlyChart'] .g-gtitle,"
    "[data-testid='stPlotlyChart'] .gtitle,"
    "[data-testid='stPlotlyChart'] .gtitle-subtitle{visibility:hidden !important;}</style>"
)

# A tile map needs about 560 px for its labels to fit their tiles: on a narrower screen (a
# phone) it keeps that width and scrolls sideways inside its own box (``state.chart(wide=)``),
# the page itself not.
WIDE_CHART_CSS = (
    "<style>[class*='st-key-wide_']{overflow-x:auto !important;}"
    "[class*='st-key-wide_'] [data-testid='stElementContainer'],"
    "[class*='st-key-wide_'] [data-testid='stFullScreenFrame']{min-width:560px;}</style>"
)

# A static table (st.table: the report's indicators) wider than a phone scrolls inside its own
# box instead of being cut at the page's edge. A data table (st.dataframe) is never wider than
# its column: its grid scrolls inside its own box. Without the limit, one laid out at a wide
# screen (in a closed expander, the charts' table views) keeps that width when the screen
# narrows to a phone's and reaches past its right edge.
TABLE_SCROLL_CSS = (
    "<style>[data-testid='stTable']{overflow-x:auto !important;max-width:100%;}"
    "[data-testid='stDataFrame']{max-width:100% !important;}</style>"
)

# A KPI's title in as many lines as it needs: Streamlit cuts it with an ellipsis at its
# column's width ("地域再犯防止推進事業 実施都..." among four KPIs at 1440 px).
KPI_WRAP_CSS = (
    "<style>[data-testid='stMetricLabel'] *{white-space:normal !important;"
    "overflow:visible !important;text-overflow:clip !important;}</style>"
)

# Streamlit's page navigation puts each section's <header> and <li>s in a <div> inside the <ul>
# (axe-core: "list", "listitem", serious). Each section becomes a list of its own and the <ul>
# a plain container; re-applied whenever Streamlit redraws the navigation.
NAV_LIST_SCRIPT = """<script>
(() => {
  const fix = () => document.querySelectorAll('ul[data-testid="stSidebarNavItems"]').forEach(ul => {
    if (ul.getAttribute('role') !== 'none') ul.setAttribute('role', 'none');
    for (const section of ul.children) {
      if (section.tagName === 'DIV' && section.getAttribute('role') !== 'list') {
        section.setAttribute('role', 'list');
      }
    }
  });
  fix();
  if (!window.saihanNavObserver) {
    window.saihanNavObserver = new MutationObserver(fix);
    window.saihanNavObserver.observe(document.body, {childList: true, subtree: true});
  }
})();
</script>"""
