-- Incidents per police station, month of occurrence and modus (手口). year_month is null when
-- the date is unknown; data_year is the year of the file the incidents were published in.
select
    pref_code,
    police_station,
    modus,
    occurred_month_on as year_month,
    data_year,
    count(*) as incidents
from core.fact_crime_incident
group by all
order by pref_code, police_station, modus, year_month nulls last
