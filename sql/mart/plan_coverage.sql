-- Local-plan coverage per as-of date, prefecture and level (prefecture, designated_city,
-- municipality = the other municipalities): governments, how many were reported, how many have
-- a plan, standalone or included in another plan. Governments not reported count as without.
with governments as (
    select lg_code, pref_code, level
    from core.dim_local_government
    where level <> 'ward' and not is_northern_territories
),

plans as (
    select lg_code, as_of_on, status, method, is_sample from core.fact_local_plan
),

dates as (
    select distinct as_of_on from plans
),

government_dates as (
    select dates.as_of_on, governments.*
    from dates
    cross join governments
),

joined as (
    select government_dates.*, plans.status, plans.method, plans.is_sample
    from government_dates
    left join plans using (lg_code, as_of_on)
),

coverage as (
    select
        as_of_on,
        pref_code,
        level,
        count(*) as governments,
        count(status) as reported,
        count(*) filter (where status = 'adopted') as with_plan,
        count(*) filter (where status = 'adopted' and method = 'standalone') as standalone,
        count(*) filter (where status = 'adopted' and method = 'included_in_other')
            as included_in_other,
        count(*) filter (where status = 'in_preparation') as in_preparation,
        count(*) filter (where is_sample) as sample_records
    from joined
    group by as_of_on, pref_code, level
),

final as (
    select
        as_of_on,
        pref_code,
        level,
        governments,
        reported,
        with_plan,
        standalone,
        included_in_other,
        in_preparation,
        with_plan / governments as coverage_ratio,
        sample_records,
        sample_records > 0 as is_sample,
        as_of_on = max(as_of_on) over () as is_latest
    from coverage
)

select * from final
order by as_of_on, pref_code, level
