-- On a published date where every government of a level is reported (and the records are not a
-- mix of real and sample data), mart.plan_coverage equals the white paper's local-plan counts
-- (all, standalone, included in other plans) at every level.
with published as (
    select level, method, as_of_on, value
    from mart.published_total
    where topic = 'local_plans' and measure = 'governments_with_plan'
),

coverage as (
    select
        as_of_on,
        level,
        sum(governments) as governments,
        sum(reported) as reported,
        sum(sample_records) as sample_records,
        sum(with_plan) as with_plan,
        sum(standalone) as standalone,
        sum(included_in_other) as included_in_other
    from mart.plan_coverage
    group by as_of_on, level
),

complete as (
    select * from coverage
    where reported = governments and (sample_records = 0 or sample_records = reported)
),

compared as (
    select
        published.level,
        published.method,
        published.as_of_on,
        published.value as published,
        case published.method
            when 'all' then complete.with_plan
            when 'standalone' then complete.standalone
            when 'included_in_other' then complete.included_in_other
        end as warehouse
    from published
    inner join complete using (as_of_on, level)
)

select
    level,
    method,
    as_of_on,
    'published ' || cast(published as bigint) || ', warehouse ' || warehouse as problem
from compared
where warehouse is distinct from published
