-- Every delivered file that was accepted: what it is, when it loaded, whether it is current or
-- superseded by a later delivery, sample or real, and how many findings it has. A delivery's
-- dataset is its source_kind, pref_code, modus, data_year, scope and is_sample (dataset_key is
-- their readable label).
with files as (
    select * from raw.file
),

findings as (
    select file_id, count(*) as findings, sum(count) filter (where severity = 'warning')
        as warnings
    from raw.file_finding
    group by file_id
)

select
    files.file_id,
    files.file_name,
    files.source_kind,
    files.dataset_key,
    files.pref_code,
    files.modus,
    files.data_year,
    files.scope,
    files.encoding,
    files.row_count as rows,
    files.size_bytes,
    files.sha256,
    files.is_sample,
    files.status,
    files.superseded_by,
    files.loaded_at,
    files.run_id,
    coalesce(findings.findings, 0) as findings,
    coalesce(findings.warnings, 0) as warning_lines
from files
left join findings using (file_id)
order by files.loaded_at desc, files.file_id desc
