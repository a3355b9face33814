"""Who may read what. The one decision (``scope``) that every query of the dashboard, every
download and every extract goes through, the roles a login's claims give, and how the
dashboard may serve at all (open on this machine, with login, as a public viewer, or not).

Plain Python without Streamlit, so the rules are tested on their own and ``saihan dashboard``
checks them before it starts a server.

- **ministry**: everything (and the local open mode on 127.0.0.1 without login).
- **prefecture**: national aggregates, and in detail, downloads and extracts its own
  prefecture only; of the data page only its own deliveries (no server paths).
- **viewer**: what is public: the white paper's figures and the police open data.

Rows are narrowed after the (shared) query cache, per session; a query this module does not
know is refused to everyone but the ministry, so a new query is closed until it is classed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import polars as pl

from warehouse.reference import ALL_PREFECTURES
from warehouse.settings import Settings

ROLES = ("ministry", "prefecture", "viewer")
NATIONAL = "00"  # the nation's rows (indicator values) sit under this code
# Means over a region's few prefectures: with one's own value, another's can be worked out.
REGIONAL_COLUMNS = ("region_mean_value",)


@dataclass(frozen=True)
class Viewer:
    """A session's reader: role, its prefecture (officers), the login (e-mail or subject) for
    the audit trail, and the serving mode it came from (open, oidc, public)."""

    role: str
    pref_code: str | None = None
    user: str = ""
    mode: str = "oidc"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if (self.role == "prefecture") != (self.pref_code is not None):
            raise ValueError("a prefecture officer, and only one, has a prefecture")

    @property
    def prefectures(self) -> frozenset[str] | None:
        """The prefectures whose detail this reader may see (None: all of them)."""
        if self.role == "ministry":
            return None
        return frozenset({self.pref_code}) if self.pref_code else frozenset()

    def may_see(self, pref_code: str | None) -> bool:
        """Whether one prefecture's restricted detail is this reader's to see."""
        shown = self.prefectures
        return shown is None or pref_code in shown


OPEN_VIEWER = Viewer("ministry", user="local", mode="open")
PUBLIC_VIEWER = Viewer("viewer", user="anonymous", mode="public")
NOBODY = Viewer("viewer", mode="none")  # before login: nothing but public data


class Tier(Enum):
    """How a query's rows are restricted."""

    PUBLIC = "public"          # white paper, police open data, reference: anyone
    NATIONAL = "national"      # aggregates over restricted data: ministry and officers
    PREF_ROWS = "pref_rows"    # rows with a pref_code: the reader's prefectures (+ nation)
    PREF_ARG = "pref_arg"      # first argument is a prefecture: the reader's only
    MINISTRY = "ministry"      # run records, rejections, holds: the ministry only


# Every query function of dashboard.queries and dashboard.ranking_queries, by name.
# tests/unit/dashboard/test_access.py fails when one is missing.
POLICY: dict[str, Tier] = {
    "published_at": Tier.PUBLIC,
    "prefectures": Tier.PUBLIC,
    "fiscal_year_labels": Tier.PUBLIC,
    "published_totals": Tier.PUBLIC,
    "municipality_counts": Tier.PUBLIC,
    "subsidy_fiscal_years": Tier.PUBLIC,
    "crime_summary": Tier.PUBLIC,
    "crime_by_month": Tier.PUBLIC,
    "crime_prefectures": Tier.PUBLIC,
    "crime_options": Tier.PUBLIC,
    "crime_monthly": Tier.PUBLIC,
    "crime_totals": Tier.PUBLIC,
    "crime_top_stations": Tier.PUBLIC,
    "crime_hour_weekday": Tier.PUBLIC,
    "crime_place_types": Tier.PUBLIC,
    "crime_by_municipality": Tier.PUBLIC,
    "prefecture_crime_by_month": Tier.PUBLIC,
    "plan_coverage_reconciliation": Tier.PUBLIC,  # white paper beside national sums
    "police_station_area": Tier.PUBLIC,  # worked out from the police open data
    "national_series": Tier.PUBLIC,  # the white papers' figures
    "prefecture_population": Tier.PUBLIC,  # the census
    "municipality_population": Tier.PUBLIC,  # the census
    "subsidy_by_year": Tier.NATIONAL,
    "plan_coverage_national": Tier.NATIONAL,
    "source_freshness": Tier.NATIONAL,
    "indicator_series": Tier.PREF_ROWS,  # names only; no pref_code column: kept whole
    "ranking_measures": Tier.NATIONAL,
    "indicator_real_prefectures": Tier.NATIONAL,  # which prefectures publish, not values
    "subsidy_uptake": Tier.PREF_ROWS,
    "subsidy_detail": Tier.PREF_ROWS,
    "plan_coverage_by_prefecture": Tier.PREF_ROWS,
    "plan_status_list": Tier.PREF_ROWS,
    "municipal_plan_status": Tier.PREF_ROWS,
    "indicator_values": Tier.PREF_ROWS,
    "region_progress": Tier.PREF_ROWS,
    "prefecture_ranking": Tier.PREF_ROWS,
    "delivery_coverage": Tier.PREF_ROWS,
    "source_files": Tier.PREF_ROWS,
    "file_findings": Tier.PREF_ROWS,
    "region_indicator_history": Tier.PREF_ARG,
    "region_subsidy_history": Tier.PREF_ARG,
    "region_ranking": Tier.PREF_ARG,
    "prefecture_indicators": Tier.PREF_ARG,
    "rejected_files": Tier.MINISTRY,
    "held_files": Tier.MINISTRY,
    "runs": Tier.MINISTRY,
}


@dataclass(frozen=True)
class Scope:
    """What one read may return: whether at all, and which prefectures' rows (None: all)."""

    allowed: bool
    prefectures: frozenset[str] | None = None


def scope(viewer: Viewer | Callable[[], Viewer], query: str, args: tuple = ()) -> Scope:
    """THE decision: what ``viewer`` may read of query ``query`` called with ``args``.

    Public data is anyone's, so the reader is only asked for (``viewer`` may be a function)
    when the query is not public: a value formatted on a worker thread (a polars UDF), where
    Streamlit knows no session, can still read labels and reference data."""
    tier = POLICY.get(query)
    if tier is Tier.PUBLIC:
        return Scope(True)
    viewer = viewer() if callable(viewer) else viewer
    if viewer.mode == "none":
        return Scope(False)
    if viewer.role == "ministry":
        return Scope(True)
    if tier is None or tier is Tier.MINISTRY:
        return Scope(False)
    if viewer.role == "viewer":
        # the nation's published indicator values are the white paper's: public
        return Scope(query == "indicator_values", frozenset({NATIONAL}))
    if tier is Tier.NATIONAL:
        return Scope(True)
    rows = viewer.prefectures | {NATIONAL}
    if tier is Tier.PREF_ARG:  # its own prefecture's rows only (a region holds others)
        return Scope(bool(args) and viewer.may_see(str(args[0])), rows)
    return Scope(True, rows)


def narrow(result: Any, allowed: Scope) -> Any:
    """A query's result cut to a scope: rows of other prefectures removed from a frame; a
    refused read gives the same shape with nothing in it."""
    if isinstance(result, pl.DataFrame):
        if not allowed.allowed:
            return result.clear()
        if allowed.prefectures is None:
            return result
        if "pref_code" in result.columns:
            result = result.filter(pl.col("pref_code").is_in(sorted(allowed.prefectures)))
        return result.with_columns(pl.lit(None, dtype=result.schema[c]).alias(c)
                                   for c in REGIONAL_COLUMNS if c in result.columns)
    if allowed.allowed:
        return result
    return type(result)() if isinstance(result, (dict, list, tuple)) else None


def read(viewer: Viewer | Callable[[], Viewer], query: Callable[..., Any], args: tuple,
         run: Callable[[], Any]) -> Any:
    """Run a query for a reader (``run`` returns its full, cached result) and narrow it."""
    return narrow(run(), scope(viewer, query.__name__, args))


def may_extract(viewer: Viewer, pref_code: str) -> bool:
    """Whether ``viewer`` may build and download ``pref_code``'s extract (it holds that
    prefecture's indicators, subsidy record and plan status: restricted)."""
    return viewer.mode != "none" and viewer.role != "viewer" and viewer.may_see(pref_code)


def may_see_system(viewer: Viewer) -> bool:
    """Server paths, run records, rejections, holds and the access trail: ministry only."""
    return viewer.role == "ministry"


# --- roles from a login's claims -----------------------------------------------------------

class ClaimError(ValueError):
    """A login whose claims give no single role (two prefectures, an unknown code)."""


def _pref_code(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    if text.isdigit() and len(text) <= 2:
        text = text.zfill(2)
    return text if text in ALL_PREFECTURES else None


def viewer_from_claims(claims: Mapping[str, Any], settings: Settings) -> Viewer:
    """The reader a logged-in user's ID-token claims make, by the configured claim names and
    group mapping. No role claim and no mapped group: a viewer of public data. Claims that
    disagree (two prefectures) raise ClaimError: the user is let in as no one."""
    user = str(claims.get("email") or claims.get("sub") or "")
    role = str(claims.get(settings.auth_role_claim) or "").strip().lower()
    groups = claims.get(settings.auth_groups_claim) or []
    groups = [groups] if isinstance(groups, str) else list(groups)
    mapped = {target for group, target in settings.auth_groups if group in groups}
    prefectures = {code for code in mapped if code not in ("ministry", "viewer")}
    raw_pref = claims.get(settings.auth_pref_claim)
    if raw_pref not in (None, ""):
        code = _pref_code(raw_pref)
        if code is None:
            raise ClaimError(f"{settings.auth_pref_claim}={raw_pref!r} is not a prefecture code")
        prefectures.add(code)
    if role == "ministry" or (not role and "ministry" in mapped):
        return Viewer("ministry", user=user)
    if role and role not in ROLES:
        raise ClaimError(f"{settings.auth_role_claim}={role!r} is not a role")
    if role == "viewer" or (not role and not prefectures):
        return Viewer("viewer", user=user)
    if len(prefectures) != 1:
        raise ClaimError("a prefecture officer needs exactly one prefecture, "
                         f"the claims give {len(prefectures)}")
    return Viewer("prefecture", pref_code=prefectures.pop(), user=user)


# --- how the dashboard may serve -------------------------------------------------------------

def is_loopback(address: str | None) -> bool:
    """Whether a server address reaches only this machine (unset: every interface, no)."""
    if not address:
        return False
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def serving_mode(address: str | None, has_login: bool, public_viewer: bool) -> str:
    """``oidc`` (login configured), ``open`` (loopback, no login: everything, with a
    banner), ``public`` (another address, no login, SAIHAN_PUBLIC_VIEWER: public data only)
    or ``refuse``."""
    if has_login:
        return "oidc"
    if is_loopback(address):
        return "open"
    return "public" if public_viewer else "refuse"


def has_login(auth_section: Mapping[str, Any] | None) -> bool:
    """Whether a secrets.toml ``[auth]`` section configures a login: a redirect URI, a
    cookie secret and a provider (its client id and server metadata URL)."""
    if not auth_section:
        return False
    def complete(section: Mapping[str, Any]) -> bool:
        return bool(section.get("client_id") and section.get("server_metadata_url"))
    providers = [v for v in auth_section.values() if isinstance(v, Mapping)]
    return bool(auth_section.get("redirect_uri") and auth_section.get("cookie_secret")
                and (complete(auth_section) or any(complete(p) for p in providers)))
