-- Each police station's estimated area adds up: its municipalities' shares of its incidents sum
-- to 1, and every municipality with incidents lies in exactly one station's estimated area.
with station_sums as (
    select pref_code, police_station, null as lg_code, 'shares do not sum to 1' as problem
    from mart.police_station_area
    group by pref_code, police_station
    having abs(sum(share_of_station) - 1) > 1e-9
),

main_counts as (
    select pref_code, null as police_station, lg_code, 'not exactly one main station' as problem
    from mart.police_station_area
    where lg_code is not null
    group by pref_code, lg_code
    having count(*) filter (where is_main_station) <> 1
)

select * from station_sums
union all
select * from main_counts
