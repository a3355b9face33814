-- Incidents per police station, place type (発生場所 / 発生場所の属性 as published), modus and
-- data year (the station, so that the crime page's station filter applies to it too).
-- place_attribute: 発生場所の属性 of files that have both columns (null for the others).
-- Refreshed one crime dataset at a time (warehouse/build.py): every row is one dataset's.
-- incremental: pref_code, modus, data_year
select
    pref_code,
    police_station,
    modus,
    data_year,
    coalesce(place_type, '不明') as place_type,
    place_attribute,
    count(*) as incidents
from core.fact_crime_incident
group by all
order by 1, 2, 3, 4, 7 desc
