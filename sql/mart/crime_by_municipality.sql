-- Incidents per municipality of occurrence, police station, modus and data year (the station,
-- so that the crime page's station filter applies to it too). lg_code is null when the
-- published code was blank or invalid; the municipality name is then as written.
-- Refreshed one crime dataset at a time (warehouse/build.py): every row is one dataset's.
-- incremental: pref_code, modus, data_year
with incidents as (
    select
        pref_code,
        case when is_lg_code_valid then lg_code end as lg_code,
        municipality_name,
        police_station,
        modus,
        data_year
    from core.fact_crime_incident
),

counted as (
    select
        pref_code, lg_code, municipality_name, police_station, modus, data_year,
        count(*) as incidents
    from incidents
    group by all
),

governments as (
    select lg_code, full_name_ja from core.dim_local_government
),

named as (
    select
        counted.pref_code,
        counted.lg_code,
        coalesce(governments.full_name_ja, counted.municipality_name) as municipality_name,
        counted.police_station,
        counted.modus,
        counted.data_year,
        sum(counted.incidents)::bigint as incidents
    from counted
    left join governments using (lg_code)
    group by all
)

select * from named
order by pref_code, lg_code, police_station, modus, data_year
