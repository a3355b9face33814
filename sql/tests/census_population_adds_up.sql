-- The census population of the 47 prefectures adds up to the national figure the same census
-- publishes, every prefecture once; for the 2020 census (令和2年国勢調査) that is 126,146,099.
with facts as (
    select source, as_of_on, pref_code, value
    from core.fact_published
    where topic = 'population' and measure = 'population'
),

per_census as (
    select
        source,
        as_of_on,
        sum(value) filter (where pref_code is not null) as prefectures_sum,
        count(distinct pref_code) as prefectures,
        count(pref_code) as prefecture_rows,
        max(value) filter (where pref_code is null) as national
    from facts
    group by source, as_of_on
)

select source, as_of_on, 'prefectures add up to ' || prefectures_sum || ', national '
    || coalesce(cast(national as varchar), 'missing') as problem
from per_census
where prefectures_sum is distinct from national
union all
select source, as_of_on, prefectures || ' prefectures in ' || prefecture_rows || ' rows'
from per_census
where prefectures <> 47 or prefecture_rows <> 47
union all
select source, as_of_on, 'the 2020 census published 126,146,099, not ' || national
from per_census
where source like '令和2年国勢調査%' and national <> 126146099
