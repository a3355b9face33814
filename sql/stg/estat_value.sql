-- e-Stat getStatsData values from the current delivery of each table (and narrowing).
with current_files as (
    select file_id, file_name, is_sample
    from raw.file
    where source_kind = 'estat' and status = 'loaded'
)

select
    e.file_id,
    f.file_name as source_file,
    f.is_sample,
    e.line_number,
    e.stats_data_id,
    e.stat_name,
    e.gov_org,
    e.table_title,
    e.tab_code,
    e.category_codes,
    e.indicator_name,
    e.area_code,
    e.area_name,
    e.area_level,
    e.pref_code,
    e.time_code,
    e.time_name,
    e.period,
    e.period_kind,
    e.period_year,
    e.unit,
    e.value_raw,
    e.value,
    e.special_char,
    e.special_meaning
from raw.estat_value as e
inner join current_files as f using (file_id)
