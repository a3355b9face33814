-- Every crime mart counts each current raw incident exactly once: its total equals the number
-- of raw rows from current (not superseded) deliveries. Their rows are counted by raw.file:
-- crime_file_row_counts holds each file's declared rows to the rows raw.crime_incident has
-- (counting 10 million incidents here again cost more than every other test together).
with raw_rows as (
    select coalesce(sum(row_count), 0) as n
    from raw.file
    where source_kind = 'crime_open_data' and status = 'loaded'
),

marts as (
    select 'mart.crime_by_station_month' as mart, sum(incidents) as n from mart.crime_by_station_month
    union all
    select 'mart.crime_by_prefecture_month', sum(incidents) from mart.crime_by_prefecture_month
    union all
    select 'mart.crime_by_municipality', sum(incidents) from mart.crime_by_municipality
    union all
    select 'mart.crime_by_hour_weekday', sum(incidents) from mart.crime_by_hour_weekday
    union all
    select 'mart.crime_by_place_type', sum(incidents) from mart.crime_by_place_type
    union all
    select 'mart.police_station', sum(incidents) from mart.police_station
)

select marts.mart, coalesce(marts.n, 0) as mart_total, raw_rows.n as raw_rows
from marts cross join raw_rows
where coalesce(marts.n, 0) <> raw_rows.n
