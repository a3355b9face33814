-- Crime incidents from the current delivery of each (prefecture, modus, data year). What comes
-- from the file is worked out once per file, not once per incident (halves the crime marts).
with current_files as (
    select
        file_id,
        file_name as source_file,
        is_sample,
        pref_code,
        data_year,
        -- One modus per file (the reader checks it); the canonical name, whatever the spelling.
        modus
    from raw.file
    where source_kind = 'crime_open_data' and status = 'loaded'
)

select
    i.file_id,
    f.source_file,
    f.is_sample,
    i.line_number,
    f.pref_code,
    f.data_year,
    i.crime_type,
    f.modus,
    i.modus as modus_as_written,
    i.police_station,
    i.koban,
    i.lg_code,
    i.lg_code_raw,
    i.lg_code_status,
    i.prefecture_name,
    i.municipality_name,
    i.town,
    i.occurred_on,
    i.occurred_on_raw,
    i.occurred_hour,
    i.occurred_hour_raw,
    i.place_type,
    i.place_detail,
    i.place_attribute,
    i.victim_sex,
    i.victim_age,
    i.victim_occupation,
    i.locking,
    i.cash_damage,
    i.anti_theft_device,
    i.stolen_item
from raw.crime_incident as i
inner join current_files as f using (file_id)
