-- Every per-prefecture published fact names a real prefecture; every plan total by level
-- equals its standalone plus included-in-other parts where the source gives them; and where a
-- source gives all governments with a plan beside a complete breakdown by level (prefectures
-- and municipalities, or prefectures, designated cities and the other municipalities), the
-- levels add up to the total.
with unresolved as (
    select fact_id, 'unknown prefecture ' || pref_name as problem
    from core.fact_published
    where pref_name is not null and pref_code is null
),

plans as (
    select source, level, as_of_on,
        sum(value) filter (where method = 'all') as total,
        sum(value) filter (where method in ('standalone', 'included_in_other')) as parts
    from mart.published_total
    where topic = 'local_plans'
    group by source, level, as_of_on
),

levels as (
    select
        source,
        as_of_on,
        max(total) filter (where level = 'all_governments') as all_governments,
        max(total) filter (where level = 'prefecture') as prefectures,
        max(total) filter (where level = 'designated_city') as designated_cities,
        max(total) filter (where level = 'municipality') as other_municipalities,
        max(total) filter (where level = 'all_municipalities') as all_municipalities
    from plans
    group by source, as_of_on
),

level_sums as (
    select
        source,
        as_of_on,
        all_governments,
        coalesce(
            prefectures + all_municipalities,
            prefectures + designated_cities + other_municipalities
        ) as levels_sum
    from levels
)

select * from unresolved
union all
select level, 'plans: total ' || total || ' but parts add up to ' || parts
from plans where parts is not null and total is distinct from parts
union all
select source || ' ' || as_of_on,
    'plans: all governments ' || all_governments || ' but the levels add up to ' || levels_sum
from level_sums
where all_governments is not null and levels_sum is not null and all_governments <> levels_sum
