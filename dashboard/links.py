"""Links that keep everything (issue 13, point 10), as plain functions: which URL parameters a
page link carries to the next page, an indicator named in the URL by plan edition, number and
unit (``?plan=2&indicator=1-1&unit=%``) rather than by its internal key, and the path a link
asked for. No Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

# Parameters that mean the same on every page: the language and the kind of map.
KEPT_PARAMETERS = ("lang", "map")
MAP_KINDS = ("tile", "geo")
_URL_PATH = re.compile(r"[A-Za-z0-9_-]+")


def kept(params: Mapping[str, str], lang: str) -> dict[str, str]:
    """The parameters a navigation link carries: the page's language and the map kind."""
    carried = {"lang": lang}
    if params.get("map") in MAP_KINDS:
        carried["map"] = params["map"]
    return carried


def indicator_params(edition: int | None, number: str | None, name: str,
                     unit: str | None) -> dict[str, str]:
    """An indicator series as readable URL parameters: plan edition, number (else its name) and
    unit (a rate and a count can share a number)."""
    params = {"indicator": number or name}
    if edition is not None:
        params["plan"] = str(edition)
    if unit:
        params["unit"] = unit
    return params


def find_series(series: Sequence[Mapping], params: Mapping[str, str]) -> str | None:
    """The ``series_key`` of the first series (in the page's order) that the URL parameters
    name, or None when they name none (no ``indicator``, or no series matches)."""
    wanted = params.get("indicator")
    if not wanted:
        return None
    for row in series:
        given = indicator_params(row["edition"], row["indicator_number"], row["indicator_name"],
                                 row["unit"])
        if given["indicator"] != wanted:
            continue
        if all(params.get(k) in (None, given.get(k)) for k in ("plan", "unit")):
            return row["series_key"]
    return None


def asked_path(url: str | None) -> str:
    """The page path a browser asked for (``/foo`` -> ``foo``; the app's own root -> '')."""
    if not url:
        return ""
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return segment if _URL_PATH.fullmatch(segment) else ""
