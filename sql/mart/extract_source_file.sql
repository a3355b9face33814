-- The files behind each prefecture's extract (its README and 説明 sheet list them): every
-- current file of the national sources; of an indicator, subsidy or plan-status file only for
-- the prefectures whose rows it holds (or every prefecture when it holds national rows: the
-- extract compares against them); of the police crime open data only the files whose
-- incidents are in that prefecture. row_order is the row's place in its prefecture's list.
with files as (
    select
        file_id,
        file_name,
        source_kind,
        is_sample,
        cast(timezone('Asia/Tokyo', loaded_at) as date) as loaded_on
    from mart.source_file
    where superseded_by is null
),

prefectures as (
    select pref_code from mart.prefecture
),

-- A crime file is one prefecture's (raw.file's pref_code, as for its incidents); one without
-- incidents is behind no extract. Read from the file list, not from every incident.
crime_file_prefectures as (
    select file_id, pref_code
    from mart.source_file
    where source_kind = 'crime_open_data' and status = 'loaded' and rows > 0
),

-- The prefectures each programme file has rows of ('00' the nation).
programme_rows as (
    select distinct file_id, pref_code from stg.indicator_value
    union
    select distinct file_id, pref_code from stg.subsidy_record
    union
    select distinct file_id, pref_code from stg.local_plan
),

national_files as (
    select prefectures.pref_code, files.*
    from files
    cross join prefectures
    where files.source_kind <> 'crime_open_data'
        and (
            files.file_id not in (select file_id from programme_rows)
            or exists (
                select 1 from programme_rows
                where programme_rows.file_id = files.file_id
                    and programme_rows.pref_code in (prefectures.pref_code, '00')
            )
        )
),

crime_files as (
    select crime_file_prefectures.pref_code, files.*
    from files
    inner join crime_file_prefectures using (file_id)
    where files.source_kind = 'crime_open_data'
),

both_kinds as (
    select * from national_files
    union all
    select * from crime_files
),

ordered as (
    select
        pref_code,
        file_name,
        source_kind,
        is_sample,
        loaded_on,
        row_number() over (partition by pref_code order by source_kind, file_name, file_id)
            as row_order
    from both_kinds
)

select * from ordered
