-- The persistent layers: what was received (raw, with lineage) and what the runs did (meta).
-- Everything in stg/core/mart is rebuilt from these on every run.
create schema if not exists raw;
create schema if not exists meta;

create table meta.run (
    run_id        varchar primary key,
    started_at    timestamptz not null,
    finished_at   timestamptz,
    trigger       varchar not null,      -- run | ingest | init | flow
    status        varchar not null,      -- published | noop | audit_failed | failed
    files_seen    integer not null default 0,
    files_loaded  integer not null default 0,
    files_skipped integer not null default 0,
    files_superseded integer not null default 0,
    files_rejected integer not null default 0,
    rows_loaded   bigint not null default 0,
    report        json
);

-- Which file content was seen at which path, so a no-op run need not re-hash unchanged files.
create table meta.file_seen (
    source_path varchar not null,
    size_bytes  bigint not null,
    mtime_ns    bigint not null,
    sha256      varchar not null,
    primary key (source_path, size_bytes, mtime_ns)
);

create table meta.build_info (
    key   varchar primary key,
    value varchar not null
);

-- One row per accepted file. A later delivery of the same dataset_key supersedes the earlier one.
create table raw.file (
    file_id        integer primary key,
    file_name      varchar not null,
    source_path    varchar not null,
    sha256         varchar not null,
    size_bytes     bigint not null,
    source_kind    varchar not null,     -- crime_open_data | published_facts | ...
    dataset_key    varchar not null,     -- e.g. crime/01/自転車盗/2018
    encoding       varchar,
    delimiter      varchar,
    row_count      bigint not null,
    is_sample      boolean not null default false,
    status         varchar not null,     -- loaded | superseded
    superseded_by  integer,
    loaded_at      timestamptz not null,
    run_id         varchar not null
);

-- Non-blocking observations per file (dates after the data year, unknown codes, ...).
create table raw.file_finding (
    file_id   integer not null,
    code      varchar not null,
    severity  varchar not null,
    message   varchar not null,
    line      integer,
    column_name varchar,
    count     bigint not null
);

-- Files that could not be loaded; the file itself sits in quarantine beside its report.
create table raw.rejected_file (
    sha256           varchar not null,
    file_name        varchar not null,
    source_path      varchar not null,
    quarantined_path varchar not null,
    rejected_at      timestamptz not null,
    run_id           varchar not null,
    line             integer,
    column_name      varchar,
    reason           varchar not null,
    action           varchar not null
);

-- The white paper's (and later editions') published facts, as received.
create table raw.published_fact (
    file_id     integer not null,
    line_number integer not null,
    fact_id     varchar,
    topic       varchar,
    measure     varchar,
    level       varchar,
    method      varchar,
    pref_name   varchar,
    value       varchar,
    unit        varchar,
    as_of       varchar,
    source      varchar,
    section     varchar,
    quote       varchar
);
