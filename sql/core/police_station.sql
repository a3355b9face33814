-- Police stations as they appear in the data: per prefecture, the name as published, the
-- municipalities seen in its area and the years it appears in.
with incidents as (
    select pref_code, police_station, lg_code, municipality_name, data_year
    from core.fact_crime_incident
),

municipalities as (
    select
        pref_code,
        police_station,
        list(distinct lg_code order by lg_code) filter (where lg_code is not null) as lg_codes,
        list(distinct municipality_name order by municipality_name)
            filter (where municipality_name is not null) as municipality_names
    from incidents
    group by pref_code, police_station
),

totals as (
    select
        pref_code,
        police_station,
        count(*) as incidents,
        min(data_year) as first_data_year,
        max(data_year) as last_data_year
    from incidents
    group by pref_code, police_station
)

select
    totals.pref_code,
    totals.police_station,
    totals.incidents,
    totals.first_data_year,
    totals.last_data_year,
    municipalities.lg_codes,
    municipalities.municipality_names
from totals
inner join municipalities using (pref_code, police_station)
