"""One settings object for the whole product, built from an environment mapping.

Nothing reads the environment at import time: callers pass a mapping (``os.environ`` by
default) to :meth:`Settings.from_env`, so tests can build settings from a plain dict.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Small-count suppression (warehouse.export.suppression): the sources whose figures include
# counts that could be suppressed, and which counts. A threshold without a source (a bare
# number in SAIHAN_SUPPRESS_BELOW) is stored under ALL_SOURCES and applies to every source.
SUPPRESSIBLE_SOURCES: dict[str, str] = {
    "crime_open_data": "incidents per police station, month and modus, and per municipality",
    "indicators": "the numerator and denominator of a prefecture's indicator value",
}
ALL_SOURCES = "*"

# The sources delivered per prefecture and period, whose lateness is watched
# (warehouse.expected holds their cadences and default allowances).
EXPECTED_SOURCES = ("crime_open_data", "local_plans", "subsidy_records", "indicators")
LATE_OFF = -1  # SAIHAN_LATE_AFTER_DAYS: source=off, never late
ESTAT_API_URL = "https://api.e-stat.go.jp/rest/3.0/app/json/getStatsData"
ESTAT_DASHBOARD_URL = "https://dashboard.e-stat.go.jp/api/1.0/Json/getData"

# Every setting a user can give, with its meaning. README.md documents each of them and a
# test fails when one is missing there.
SETTINGS_DOC: dict[str, str] = {
    "SAIHAN_HOME": "Folder holding inbox/, quarantine/, extracts/, snapshots and the published "
    "warehouse.duckdb. Default: ./var",
    "SAIHAN_LANG": "Default dashboard language, ja or en. Default: ja",
    "SAIHAN_NIGHTLY_CRON": "Cron expression (Asia/Tokyo) of the nightly run. Default: 0 2 * * *",
    "SAIHAN_KEEP_SNAPSHOTS": "How many earlier published snapshots to keep for rollback. "
    "Default: 3",
    "SAIHAN_KEEP_EXTRACTS": "How many dated extract folders (extracts/YYYY-MM-DD/) the nightly "
    "run keeps; older ones are removed after it writes a new set. 0 keeps every one. Default: 14",
    "SAIHAN_DASK_ADDRESS": "Address of a Dask scheduler (tcp://host:8786) on which `saihan "
    "serve` runs its parse and extract tasks (prefect-dask's DaskTaskRunner); the run itself and "
    "the publish stay in the flow's process. Default: unset (threads in the flow's process)",
    "SAIHAN_ESTAT_APP_ID": "e-Stat API application ID for `saihan estat fetch`. Default: unset",
    "SAIHAN_ESTAT_TABLES": "e-Stat tables (statsDataId, comma-separated) that `saihan serve` "
    "fetches into inbox/estat/ on SAIHAN_ESTAT_CRON, to load like any delivery. Default: unset",
    "SAIHAN_ESTAT_CRON": "Cron expression (Asia/Tokyo) of the e-Stat fetch. Default: 0 1 * * *",
    "SAIHAN_ESTAT_API_URL": "The getStatsData endpoint (getStatsList is beside it). Default: "
    "https://api.e-stat.go.jp/rest/3.0/app/json/getStatsData",
    "SAIHAN_ESTAT_DASHBOARD_URL": "The 統計ダッシュボード getData endpoint (no key needed). "
    "Default: https://dashboard.e-stat.go.jp/api/1.0/Json/getData",
    "SAIHAN_STABLE_SECONDS": "Seconds a file in the inbox must keep the same size and modification "
    "time before `saihan serve` (arrivals and the nightly run) treats it as complete and ingests "
    "it. Default: 2",
    "SAIHAN_SUPPRESS_BELOW": "Small-count suppression in extracts and the dashboard: counts from 1 "
    "to N-1 are shown as X. A bare number applies to every source, source=N to one "
    "(crime_open_data, indicators), comma-separated, e.g. crime_open_data=3. Default: none (0)",
    "SAIHAN_HOLD_SHRINK_SHARE": "A re-delivery that would remove more than this share (0 to 1) of "
    "its dataset's rows, or any police station, month, prefecture or local government the "
    "dataset had, is held under held/ instead of loaded, until `saihan accept` loads it. "
    "Default: 0.2",
    "SAIHAN_LATE_AFTER_DAYS": "Days after the end of a period (data year, 1 April, fiscal year) "
    "before a prefecture's delivery for it counts as late: source=N or source=off per source "
    "(crime_open_data, local_plans, subsidy_records, indicators), or a bare N / off for all, "
    "comma-separated. Default: crime_open_data=180, local_plans=180, subsidy_records=180, "
    "indicators=365",
    "SAIHAN_SUBSCRIBERS": "CSV file of prefecture officers' subscriptions (都道府県,メールアドレス "
    "or pref,email): each address is e-mailed when a nightly run changed its prefecture's "
    "extract. Default: unset",
    "SAIHAN_NOTIFY_WEBHOOK": "URL that receives every notification as a JSON POST (event, title, "
    "text, file, run report). Default: unset (no webhook)",
    "SAIHAN_SMTP_HOST": "SMTP server that sends notifications by e-mail (with SAIHAN_SMTP_TO). "
    "Default: unset (no e-mail)",
    "SAIHAN_SMTP_PORT": "Port of the SMTP server. Default: 587",
    "SAIHAN_SMTP_USER": "User name to log in to the SMTP server with. Default: unset (no login)",
    "SAIHAN_SMTP_PASSWORD": "Password of SAIHAN_SMTP_USER (never shown in a message). "
    "Default: unset",
    "SAIHAN_SMTP_FROM": "Sender address of notification e-mails. Default: saihan@<host name>",
    "SAIHAN_SMTP_TO": "Operators' addresses for notification e-mails, comma-separated. "
    "Default: unset",
    "SAIHAN_GEO_DIR": "Folder holding the public municipal boundary files (デジタル庁 "
    "ja_municipality_area.json, SmartNews N03-21_210101.json for wards), in any subfolders; "
    "without them the maps stay at prefecture level. Default: $SAIHAN_HOME/geo",
    "SAIHAN_SMTP_STARTTLS": "Whether to switch the SMTP connection to TLS (STARTTLS) before "
    "logging in: true or false. Default: true",
    "SAIHAN_AUTH_PROVIDER": "The provider of .streamlit/secrets.toml ([auth.NAME]) the login "
    "button uses. Default: unset (the [auth] section's own provider)",
    "SAIHAN_AUTH_ROLE_CLAIM": "The ID-token claim that holds a user's role: ministry, prefecture "
    "or viewer. Default: saihan_role",
    "SAIHAN_AUTH_PREF_CLAIM": "The claim that holds a prefecture officer's prefecture (code, "
    "e.g. 01). Default: pref_code",
    "SAIHAN_AUTH_GROUPS_CLAIM": "The claim that holds a user's groups (a list). Default: groups",
    "SAIHAN_AUTH_GROUPS": "Groups mapped to a role: group=ministry, group=viewer or group=CODE "
    "(a prefecture officer of that prefecture), comma-separated. Default: unset",
    "SAIHAN_PUBLIC_VIEWER": "true lets the dashboard serve an address other than 127.0.0.1 "
    "without login settings, as an anonymous viewer of public data only. Default: false",
}


def parse_thresholds(text: str | None) -> tuple[tuple[str, int], ...]:
    """Read ``SAIHAN_SUPPRESS_BELOW``: ``N`` for all sources, ``source=N`` for one, comma-separated.

    ``"3"``, ``"crime_open_data=3"`` and ``"5,crime_open_data=0"`` are valid; an empty value means
    no suppression. Raises ValueError for an unknown source or a value that is not a whole
    number >= 0.
    """
    entries: dict[str, int] = {}
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        source, _, value = item.rpartition("=")
        source = source.strip() or ALL_SOURCES
        value = value.strip()
        if source != ALL_SOURCES and source not in SUPPRESSIBLE_SOURCES:
            raise ValueError(
                f"SAIHAN_SUPPRESS_BELOW: unknown source {source!r}; "
                f"use one of {', '.join(sorted(SUPPRESSIBLE_SOURCES))} (or a bare number for all)"
            )
        if not value.isdigit():
            raise ValueError(
                f"SAIHAN_SUPPRESS_BELOW: {item!r} needs a whole number >= 0, e.g. crime_open_data=3"
            )
        entries[source] = int(value)
    return tuple(sorted(entries.items()))


def _number_within(env: Mapping[str, str], name: str, default: str, most: float,
                   what: str) -> float:
    """The setting ``name`` as a number from 0 to ``most``; ValueError saying ``what`` it must
    be otherwise."""
    text = env.get(name, default)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= most:
        raise ValueError(f"{name} must be {what}, not {text!r}")
    return value


def parse_late_after(text: str | None) -> tuple[tuple[str, int], ...]:
    """Read ``SAIHAN_LATE_AFTER_DAYS``: ``N`` or ``off`` for every source, ``source=N`` or
    ``source=off`` for one, comma-separated (off is stored as LATE_OFF). Raises ValueError for
    an unknown source or a value that is neither a whole number of days nor off."""
    entries: dict[str, int] = {}
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        source, _, value = item.rpartition("=")
        source, value = source.strip() or ALL_SOURCES, value.strip().lower()
        if source != ALL_SOURCES and source not in EXPECTED_SOURCES:
            raise ValueError(
                f"SAIHAN_LATE_AFTER_DAYS: unknown source {source!r}; "
                f"use one of {', '.join(EXPECTED_SOURCES)} (or a bare value for all)")
        if value != "off" and not (value.isdigit() and int(value) <= 3650):
            raise ValueError(f"SAIHAN_LATE_AFTER_DAYS: {item!r} needs a number of days from 0 "
                             "to 3650 or off, e.g. crime_open_data=180")
        entries[source] = LATE_OFF if value == "off" else int(value)
    return tuple(sorted(entries.items()))


_FLAGS = ("true", "false", "1", "0", "yes", "no")
AUTH_ROLES = ("ministry", "viewer")  # besides a prefecture code, what a group may map to


def parse_auth_groups(text: str | None) -> tuple[tuple[str, str], ...]:
    """SAIHAN_AUTH_GROUPS ("moj-analysts=ministry,hokkaido-staff=01") as (group, role or
    prefecture code) pairs."""
    pairs = []
    for item in (text or "").split(","):
        if not item.strip():
            continue
        group, _, target = item.rpartition("=")
        group, target = group.strip(), target.strip()
        if target.isdigit() and len(target) <= 2:
            target = target.zfill(2)
        if not group or not (target in AUTH_ROLES or (len(target) == 2 and target.isdigit()
                                                       and 1 <= int(target) <= 47)):
            raise ValueError(f"SAIHAN_AUTH_GROUPS: {item.strip()!r} needs group=ministry, "
                             "group=viewer or group=prefecture code (01 to 47), e.g. "
                             "moj-analysts=ministry,hokkaido-staff=01")
        pairs.append((group, target))
    return tuple(pairs)


@dataclass(frozen=True)
class Settings:
    """Paths and options of one saihan installation."""

    home: Path
    lang: str = "ja"
    nightly_cron: str = "0 2 * * *"
    keep_snapshots: int = 3
    keep_extracts: int = 14  # dated extract folders the nightly run keeps (0: all)
    dask_address: str | None = None  # a Dask scheduler for the flows' parse and extract tasks
    estat_app_id: str | None = field(default=None, repr=False)
    # e-Stat tables fetched by `saihan serve` (statsDataIds), when, and from where.
    estat_tables: tuple[str, ...] = ()
    estat_cron: str = "0 1 * * *"
    estat_api_url: str = ESTAT_API_URL
    estat_dashboard_url: str = ESTAT_DASHBOARD_URL
    stable_seconds: float = 2.0
    # (source kind, threshold) pairs; see parse_thresholds and warehouse.export.suppression.
    suppress_below: tuple[tuple[str, int], ...] = ()
    # Share of a dataset's rows a re-delivery may remove before it is held (warehouse.hold).
    hold_shrink_share: float = 0.2
    # Lateness allowance per source (source, days or LATE_OFF); see warehouse.expected.
    late_after_days: tuple[tuple[str, int], ...] = ()
    # Notifications (warehouse.notify): a webhook URL and an SMTP server; unset = not sent.
    notify_webhook: str | None = field(default=None, repr=False)  # may carry a token
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_from: str | None = None
    smtp_to: tuple[str, ...] = ()
    smtp_starttls: bool = True
    # Prefecture officers' subscriptions to their extract (warehouse.subscribers).
    subscribers_file: Path | None = None
    # The public municipal and ward boundary files (warehouse.boundaries); None = home/geo.
    geo_folder: Path | None = None
    # Login (dashboard.access): which claims carry a role, a prefecture and groups, groups
    # mapped to a role or a prefecture, the secrets.toml provider, the public viewer mode.
    auth_provider: str | None = None
    auth_role_claim: str = "saihan_role"
    auth_pref_claim: str = "pref_code"
    auth_groups_claim: str = "groups"
    auth_groups: tuple[tuple[str, str], ...] = ()
    public_viewer: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from an environment mapping (``os.environ`` when omitted)."""
        env = os.environ if env is None else env
        home = Path(env.get("SAIHAN_HOME") or "var").expanduser().resolve()
        lang = env.get("SAIHAN_LANG", "ja")
        if lang not in ("ja", "en"):
            raise ValueError(f"SAIHAN_LANG must be 'ja' or 'en', not {lang!r}")
        keep = env.get("SAIHAN_KEEP_SNAPSHOTS", "3")
        if not keep.isdigit() or int(keep) < 1:
            raise ValueError(f"SAIHAN_KEEP_SNAPSHOTS must be a whole number >= 1, not {keep!r}")
        keep_extracts = (env.get("SAIHAN_KEEP_EXTRACTS") or "14").strip()
        if not keep_extracts.isdigit():
            raise ValueError("SAIHAN_KEEP_EXTRACTS must be a whole number of dated extract "
                             f"folders to keep (0 keeps all), not {keep_extracts!r}")
        stable_seconds = _number_within(env, "SAIHAN_STABLE_SECONDS", "2", 3600,
                                        "a number of seconds from 0 to 3600")
        hold_shrink_share = _number_within(env, "SAIHAN_HOLD_SHRINK_SHARE", "0.2", 1,
                                           "a share from 0 to 1, e.g. 0.2")
        smtp_port = env.get("SAIHAN_SMTP_PORT") or "587"
        if not smtp_port.isdigit() or not 0 < int(smtp_port) < 65536:
            raise ValueError(f"SAIHAN_SMTP_PORT must be a port number, e.g. 587, not {smtp_port!r}")
        starttls = (env.get("SAIHAN_SMTP_STARTTLS") or "true").strip().lower()
        if starttls not in ("true", "false", "1", "0", "yes", "no"):
            raise ValueError(
                f"SAIHAN_SMTP_STARTTLS must be true or false, not {env['SAIHAN_SMTP_STARTTLS']!r}")
        tables = tuple(t.strip() for t in (env.get("SAIHAN_ESTAT_TABLES") or "").split(",")
                       if t.strip())
        for table in tables:
            if not table.isdigit():
                raise ValueError(f"SAIHAN_ESTAT_TABLES: {table!r} is not a statsDataId (digits, "
                                 "e.g. 0003191203); separate several with commas")
        estat_url = env.get("SAIHAN_ESTAT_API_URL") or ESTAT_API_URL
        if not estat_url.startswith(("http://", "https://")):
            raise ValueError("SAIHAN_ESTAT_API_URL must be an http:// or https:// URL")
        dashboard_url = env.get("SAIHAN_ESTAT_DASHBOARD_URL") or ESTAT_DASHBOARD_URL
        if not dashboard_url.startswith(("http://", "https://")):
            raise ValueError("SAIHAN_ESTAT_DASHBOARD_URL must be an http:// or https:// URL")
        public_viewer = (env.get("SAIHAN_PUBLIC_VIEWER") or "false").strip().lower()
        if public_viewer not in _FLAGS:
            raise ValueError(f"SAIHAN_PUBLIC_VIEWER must be true or false, not {public_viewer!r}")
        dask_address = (env.get("SAIHAN_DASK_ADDRESS") or "").strip() or None
        if dask_address and not re.fullmatch(r"(tcp|tls|ucx|inproc)://\S+", dask_address):
            raise ValueError("SAIHAN_DASK_ADDRESS must be a Dask scheduler address such as "
                             f"tcp://10.0.0.5:8786, not {dask_address!r}")
        webhook = env.get("SAIHAN_NOTIFY_WEBHOOK") or None
        if webhook and not webhook.startswith(("http://", "https://")):
            raise ValueError("SAIHAN_NOTIFY_WEBHOOK must be an http:// or https:// URL")
        return cls(
            home=home,
            lang=lang,
            nightly_cron=env.get("SAIHAN_NIGHTLY_CRON", "0 2 * * *"),
            keep_snapshots=int(keep),
            keep_extracts=int(keep_extracts),
            dask_address=dask_address,
            estat_app_id=env.get("SAIHAN_ESTAT_APP_ID") or None,
            estat_tables=tables,
            estat_cron=env.get("SAIHAN_ESTAT_CRON") or "0 1 * * *",
            estat_api_url=estat_url,
            estat_dashboard_url=dashboard_url,
            stable_seconds=stable_seconds,
            suppress_below=parse_thresholds(env.get("SAIHAN_SUPPRESS_BELOW")),
            hold_shrink_share=hold_shrink_share,
            late_after_days=parse_late_after(env.get("SAIHAN_LATE_AFTER_DAYS")),
            notify_webhook=webhook,
            smtp_host=env.get("SAIHAN_SMTP_HOST") or None,
            smtp_port=int(smtp_port),
            smtp_user=env.get("SAIHAN_SMTP_USER") or None,
            smtp_password=env.get("SAIHAN_SMTP_PASSWORD") or None,
            smtp_from=env.get("SAIHAN_SMTP_FROM") or None,
            geo_folder=Path(env["SAIHAN_GEO_DIR"]).expanduser().resolve()
            if env.get("SAIHAN_GEO_DIR") else None,
            smtp_to=tuple(a.strip() for a in (env.get("SAIHAN_SMTP_TO") or "").split(",")
                          if a.strip()),
            smtp_starttls=starttls in ("true", "1", "yes"),
            subscribers_file=Path(env["SAIHAN_SUBSCRIBERS"]).expanduser().resolve()
            if env.get("SAIHAN_SUBSCRIBERS") else None,
            auth_provider=env.get("SAIHAN_AUTH_PROVIDER") or None,
            auth_role_claim=env.get("SAIHAN_AUTH_ROLE_CLAIM") or "saihan_role",
            auth_pref_claim=env.get("SAIHAN_AUTH_PREF_CLAIM") or "pref_code",
            auth_groups_claim=env.get("SAIHAN_AUTH_GROUPS_CLAIM") or "groups",
            auth_groups=parse_auth_groups(env.get("SAIHAN_AUTH_GROUPS")),
            public_viewer=public_viewer in ("true", "1", "yes"),
        )

    @property
    def inbox(self) -> Path:
        """Where new files are dropped."""
        return self.home / "inbox"

    @property
    def quarantine(self) -> Path:
        """Where rejected files are moved, each beside its report."""
        return self.home / "quarantine"

    @property
    def held(self) -> Path:
        """Where re-deliveries that would shrink their dataset are kept, each beside its report."""
        return self.home / "held"

    @property
    def extracts(self) -> Path:
        """Where per-prefecture extracts are written."""
        return self.home / "extracts"

    @property
    def snapshots(self) -> Path:
        """Earlier published warehouses, kept for rollback."""
        return self.home / "snapshots"

    @property
    def work(self) -> Path:
        """Scratch space for a run's build database before it is published."""
        return self.home / "work"

    @property
    def runs(self) -> Path:
        """One JSON report per run, read by `saihan status`."""
        return self.home / "runs"

    @property
    def notifications(self) -> Path:
        """What was notified (sent.json, the dedup log; sent.jsonl, every message sent): beside
        the warehouse, so that publishes and rollbacks leave it alone."""
        return self.home / "notifications"

    @property
    def notification_channels(self) -> list[str]:
        """The configured notification channels: ``webhook`` and ``email``."""
        found = []
        if self.notify_webhook:
            found.append("webhook")
        if self.smtp_host and self.smtp_to:
            found.append("email")
        return found

    @property
    def geo_dir(self) -> Path:
        """Where the public municipal and ward boundary files are looked for."""
        return self.geo_folder or self.home / "geo"

    @property
    def geo_cache(self) -> Path:
        """The boundaries prepared for the maps (warehouse.boundaries), one file per content
        of the boundary files; safe to delete."""
        return self.home / "geo-cache"

    @property
    def audit(self) -> Path:
        """The access trail (logins, downloads, extracts: warehouse.access_log), beside the
        warehouse so that publishes and rollbacks leave it alone."""
        return self.home / "audit"

    @property
    def warehouse(self) -> Path:
        """The published, read-only warehouse that the dashboard and extracts open."""
        return self.home / "warehouse.duckdb"

    @property
    def crime_store(self) -> Path:
        """The police incidents of every loaded crime file (warehouse.store): written in place
        by runs, only ever added to, read through the published warehouse's raw.file."""
        return self.home / "crime_store.duckdb"
