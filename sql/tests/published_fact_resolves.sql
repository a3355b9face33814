-- Every per-prefecture published fact names a real prefecture, and every plan total by level
-- equals its standalone plus included-in-other parts.
with unresolved as (
    select fact_id, 'unknown prefecture ' || pref_name as problem
    from core.fact_published
    where pref_name is not null and pref_code is null
),

plans as (
    select level, as_of_on,
        sum(value) filter (where method = 'all') as total,
        sum(value) filter (where method in ('standalone', 'included_in_other')) as parts
    from mart.published_total
    where topic = 'local_plans'
    group by level, as_of_on
)

select * from unresolved
union all
select level, 'plans: total ' || total || ' but parts add up to ' || parts
from plans where total is distinct from parts
