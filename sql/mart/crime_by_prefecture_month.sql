-- Incidents per prefecture, modus (手口), data year and month of occurrence (year_month null
-- when the date is unknown), from mart.crime_by_station_month without the police stations:
-- what the overview's national and per-prefecture crime figures and the crime page's list of
-- prefectures add up (a few tens of thousands of rows however many incidents; summing the
-- station months for them took 100-600 ms at 50 million incidents). is_sample marks counts
-- from generated sample data.
-- Refreshed one crime dataset at a time (warehouse/build.py): every row is one dataset's.
-- incremental: pref_code, modus, data_year
select
    pref_code,
    modus,
    data_year,
    year_month,
    sum(incidents)::bigint as incidents,
    bool_or(is_sample) as is_sample
from mart.crime_by_station_month
group by all
order by pref_code, modus, data_year, year_month nulls last
