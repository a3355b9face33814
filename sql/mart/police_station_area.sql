-- Estimated police-station areas (推定管轄). No public jurisdiction boundaries exist, so each
-- station's area is estimated from the crime open data: the municipalities (or wards, where
-- the published code is a ward's) where its incidents occurred, with each one's share of the
-- station's incidents, over every data year loaded. A municipality belongs to the estimated
-- area of the station that recorded most of its incidents (is_main_station; a tie goes to the
-- first name in order). Incidents without a valid municipality code are one row with a null
-- lg_code, in no area.
-- Refreshed one prefecture at a time (warehouse/build.py): a station and its shares are one
-- prefecture's.
-- incremental: pref_code
with incidents as (
    select pref_code, police_station, lg_code, municipality_name, data_year, incidents
    from mart.crime_by_municipality
),

per_pair as (
    select
        pref_code,
        police_station,
        lg_code,
        any_value(municipality_name order by municipality_name) as municipality_name,
        sum(incidents)::bigint as incidents,
        min(data_year) as first_data_year,
        max(data_year) as last_data_year
    from incidents
    group by pref_code, police_station, lg_code
),

shares as (
    select
        *,
        sum(incidents) over (partition by pref_code, police_station)::bigint
            as station_incidents,
        sum(incidents) over (partition by pref_code, lg_code)::bigint as municipality_incidents
    from per_pair
),

ranked as (
    select
        *,
        incidents / station_incidents as share_of_station,
        incidents / municipality_incidents as share_of_municipality,
        lg_code is not null and row_number() over (
            partition by pref_code, lg_code order by incidents desc, police_station
        ) = 1 as is_main_station
    from shares
)

select
    pref_code, police_station, lg_code, municipality_name, incidents, station_incidents,
    share_of_station, municipality_incidents, share_of_municipality, is_main_station,
    first_data_year, last_data_year
from ranked
order by pref_code, police_station, incidents desc, lg_code
