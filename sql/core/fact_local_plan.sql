-- One plan status per local government and as-of date. Where deliveries overlap, real data wins
-- over sample data, then the later delivery over the earlier one.
with plans as (
    select * from stg.local_plan
),

governments as (
    select lg_code, kind, level from core.dim_local_government
),

ranked as (
    select
        plans.*,
        row_number() over (
            partition by plans.lg_code, plans.as_of_on
            order by plans.is_sample, plans.file_id desc, plans.line_number desc
        ) as delivery_rank
    from plans
),

chosen as (
    select
        ranked.* exclude (delivery_rank),
        governments.kind,
        governments.level,
        ranked.status = 'adopted' as has_plan
    from ranked
    inner join governments using (lg_code)
    where ranked.delivery_rank = 1
)

select * from chosen
