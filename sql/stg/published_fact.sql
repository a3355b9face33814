-- Published facts from the current delivery of each publication, typed.
with current_files as (
    select file_id, file_name, sha256, loaded_at
    from raw.file
    where source_kind = 'published_facts' and status = 'loaded'
)

select
    f.file_id,
    f.file_name as source_file,
    p.line_number,
    p.fact_id,
    p.topic,
    p.measure,
    nullif(p.level, '') as level,
    nullif(p.method, '') as method,
    nullif(p.pref_name, '') as pref_name,
    cast(replace(p.value, ',', '') as double) as value,
    p.unit,
    cast(nullif(p.as_of, '') as date) as as_of_on,
    p.source,
    p.section,
    p.quote,
    nullif(p.source_url, '') as source_url
from raw.published_fact as p
inner join current_files as f using (file_id)
