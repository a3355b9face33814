-- Prefecture-indicator template rows from the current delivery of each dataset.
with current_files as (
    select file_id, file_name, is_sample
    from raw.file
    where source_kind = 'indicators' and status = 'loaded'
)

select
    i.file_id,
    f.file_name as source_file,
    f.is_sample,
    i.line_number,
    i.edition,
    i.indicator_number,
    i.indicator_name,
    i.indicator_key,
    i.pref_code,
    i.period,
    i.period_kind,
    i.period_year,
    i.value,
    i.value_note,
    i.unit,
    i.numerator,
    i.denominator,
    i.source,
    i.notes
from raw.indicator_value as i
inner join current_files as f using (file_id)
