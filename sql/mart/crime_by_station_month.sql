-- Incidents per police station, month of occurrence and modus (手口). year_month is null when
-- the date is unknown; data_year is the year of the file the incidents were published in;
-- is_sample marks counts from generated sample data (データ区分 = サンプル), not police data.
-- Refreshed one crime dataset at a time (warehouse/build.py): every row is one dataset's.
-- incremental: pref_code, modus, data_year
select
    pref_code,
    police_station,
    modus,
    occurred_month_on as year_month,
    data_year,
    count(*) as incidents,
    bool_or(is_sample) as is_sample
from core.fact_crime_incident
group by all
order by pref_code, police_station, modus, year_month nulls last
