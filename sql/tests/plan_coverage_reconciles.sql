-- On a published date where every government of a level is reported (and the records are not a
-- mix of real and sample data), mart.plan_coverage equals the white paper's local-plan counts
-- (all, standalone, included in other plans) at every level: mart.plan_coverage_reconciliation,
-- which `saihan check` and the plans page show, says match.
with reconciliation as (
    select * from mart.plan_coverage_reconciliation
    where measure = 'governments_with_plan'
),

failing as (
    select
        level,
        method,
        as_of_on,
        'published ' || cast(published as bigint) || ', warehouse ' || warehouse as problem
    from reconciliation
    where is_complete and status is distinct from 'match'
)

select * from failing
