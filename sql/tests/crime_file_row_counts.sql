-- Each loaded crime file has as many raw rows as it declared, and at most one delivery per
-- dataset (prefecture, modus, data year; the scope of other kinds) is current.
with raw_counts as (
    -- Raw rows counted per file first, then matched to the files: joining every incident to
    -- its file before counting took eight times as long on 10 million incidents. An
    -- incremental run checks only the files it loaded (the variable audit_file_ids, set by
    -- warehouse/db.py): a file's rows are written once, and the files before passed already.
    select file_id, count(*) as raw_rows
    from raw.crime_incident
    where coalesce(list_contains(getvariable('audit_file_ids'), file_id), true)
    group by file_id
),

per_file as (
    select f.file_id, f.file_name, f.row_count, coalesce(r.raw_rows, 0) as raw_rows
    from raw.file as f
    left join raw_counts as r using (file_id)
    where f.source_kind = 'crime_open_data'
        and coalesce(list_contains(getvariable('audit_file_ids'), f.file_id), true)
),

current_per_dataset as (
    select any_value(dataset_key) as dataset_key, count(*) as current_files
    from raw.file
    where status = 'loaded'
    group by source_kind, pref_code, modus, data_year, scope, is_sample
)

select file_name as what, 'declared ' || row_count || ' rows, raw has ' || raw_rows as problem
from per_file where row_count <> raw_rows
union all
select dataset_key, current_files || ' current deliveries'
from current_per_dataset where current_files > 1
