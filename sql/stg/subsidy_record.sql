-- Subsidy programme records (地域再犯防止推進事業) from the current delivery of each dataset.
with current_files as (
    select file_id, file_name, is_sample
    from raw.file
    where source_kind = 'subsidy_records' and status = 'loaded'
)

select
    s.file_id,
    f.file_name as source_file,
    f.is_sample,
    s.line_number,
    s.fiscal_year,
    s.pref_code,
    s.is_participating,
    s.coordination_meetings as runs_coordination_meetings,
    s.staff_training as runs_staff_training,
    s.employment_housing_support as runs_employment_housing_support,
    s.specialised_support as runs_specialised_support,
    s.consultation_support as runs_consultation_support,
    s.project_cost_yen,
    s.national_share_yen,
    s.notes
from raw.subsidy_record as s
inner join current_files as f using (file_id)
