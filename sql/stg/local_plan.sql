-- Local-plan status rows (地方再犯防止推進計画) from the current delivery of each dataset, typed.
with current_files as (
    select file_id, file_name, is_sample
    from raw.file
    where source_kind = 'local_plans' and status = 'loaded'
)

select
    p.file_id,
    f.file_name as source_file,
    f.is_sample,
    p.line_number,
    p.as_of_on,
    p.lg_code,
    p.pref_code,
    p.name_raw as name_as_written,
    p.status,
    p.method,
    p.included_in,
    p.plan_form,
    p.plan_name,
    p.adopted_on,
    p.period_start_on,
    p.period_end_on,
    p.notes
from raw.local_plan as p
inner join current_files as f using (file_id)
