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
