-- Re-deliveries held instead of loaded: they would have removed more than
-- SAIHAN_HOLD_SHRINK_SHARE of a dataset's rows, or whole police stations, months, prefectures or
-- local governments it had. The file is kept under held/ beside its report; `saihan accept`
-- loads it on purpose and records who accepted it and when.
create table raw.held_file (
    sha256           varchar not null,
    file_name        varchar not null,
    source_path      varchar not null,
    held_path        varchar not null,
    held_at          timestamptz not null,
    run_id           varchar not null,
    source_kind      varchar not null,
    dataset_key      varchar not null,
    rows_before      bigint not null,
    rows_after       bigint not null,
    reason           varchar not null,
    accepted_at      timestamptz,
    accepted_by      varchar,
    accepted_run_id  varchar
);
