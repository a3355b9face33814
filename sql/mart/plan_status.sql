-- One row per local government (47 prefectures and 1,741 municipalities; not the wards of
-- designated cities): its latest reported local-plan status (地方再犯防止推進計画), or
-- 'not_reported' when no delivery mentions it.
with governments as (
    select lg_code, pref_code, name_ja, full_name_ja, kind, level
    from core.dim_local_government
    where level <> 'ward' and not is_northern_territories
),

plans as (
    select * from core.fact_local_plan
),

latest as (
    select * from plans
    qualify row_number() over (partition by lg_code order by as_of_on desc) = 1
),

joined as (
    select
        governments.lg_code,
        governments.pref_code,
        governments.name_ja,
        governments.full_name_ja,
        governments.kind,
        governments.level,
        coalesce(latest.status, 'not_reported') as status,
        latest.has_plan,
        latest.method,
        latest.included_in,
        latest.plan_form,
        latest.plan_name,
        latest.adopted_on,
        latest.period_start_on,
        latest.period_end_on,
        latest.as_of_on,
        latest.source_file,
        coalesce(latest.is_sample, false) as is_sample
    from governments
    left join latest using (lg_code)
)

select * from joined
order by lg_code
