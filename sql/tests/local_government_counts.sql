-- 47 prefectures, 1,741 municipalities of which 20 designated cities and 23 special wards;
-- codes unique; every ward belongs to a designated city of its own prefecture.
with counts as (
    select
        count(*) filter (where kind = 'prefecture') as prefectures,
        count(*) filter (where is_municipality) as municipalities,
        count(*) filter (where kind = 'designated_city') as designated_cities,
        count(*) filter (where kind = 'special_ward') as special_wards,
        count(*) - count(distinct lg_code) as duplicated_codes
    from mart.local_government
),

bad_wards as (
    select w.lg_code, w.name_ja
    from mart.local_government as w
    left join mart.local_government as c
        on w.parent_lg_code = c.lg_code and c.kind = 'designated_city' and c.pref_code = w.pref_code
    where w.kind = 'ward' and c.lg_code is null
)

select 'counts' as rule, cast(counts as varchar) as found from counts
where prefectures <> 47 or municipalities <> 1741 or designated_cities <> 20
    or special_wards <> 23 or duplicated_codes <> 0
union all
select 'ward without its designated city', lg_code || ' ' || name_ja from bad_wards
