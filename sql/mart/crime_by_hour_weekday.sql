-- Incidents per police station, hour of day (0-23) and ISO weekday (1 = Monday), modus and data
-- year; null hour or weekday when unknown.
-- Refreshed one crime dataset at a time (warehouse/build.py): every row is one dataset's.
-- incremental: pref_code, modus, data_year
select
    pref_code,
    police_station,
    modus,
    data_year,
    occurred_weekday as weekday,
    occurred_hour as hour,
    count(*) as incidents
from core.fact_crime_incident
group by all
order by 1, 2, 3, 4, 5, 6
