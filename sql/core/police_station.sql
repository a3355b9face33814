-- Police stations as they appear in the data: per prefecture, the name as published, the
-- municipalities seen in its area and the years it appears in.
-- Refreshed one prefecture at a time (warehouse/build.py): every row is one prefecture's.
-- incremental: pref_code
with incidents as (
    select pref_code, police_station, lg_code, municipality_name, data_year
    from core.fact_crime_incident
),

stations as (
    select
        pref_code,
        police_station,
        count(*) as incidents,
        min(data_year) as first_data_year,
        max(data_year) as last_data_year,
        list(distinct lg_code order by lg_code) filter (where lg_code is not null) as lg_codes,
        list(distinct municipality_name order by municipality_name)
            filter (where municipality_name is not null) as municipality_names
    from incidents
    group by pref_code, police_station
)

select * from stations
