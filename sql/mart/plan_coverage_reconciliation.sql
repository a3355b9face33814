-- The white paper's local-plan counts (資7-79-3: governments with a plan by level and method, on
-- their as-of date) beside mart.plan_coverage summed over prefectures on the same date, one row
-- per published figure. status: match; explained (real records replace some sample ones, or
-- the difference fits among the governments not reported); no_data (no records on that date);
-- differs (a person has to look). is_complete marks a date where every government of the level
-- is reported and the records are not a mix of real and sample data: there the counts must be
-- equal (the data test plan_coverage_reconciles). is_compared is false for a published method
-- the warehouse does not count. `saihan check` and the plans page read this mart.
with published as (
    select fact_id, measure, level, method, as_of_on, value as published
    from mart.published_total
    where topic = 'local_plans'
),

coverage as (
    select
        as_of_on,
        level,
        sum(governments)::bigint as governments,
        sum(reported)::bigint as reported,
        sum(sample_records)::bigint as sample_records,
        sum(with_plan)::bigint as with_plan,
        sum(standalone)::bigint as standalone,
        sum(included_in_other)::bigint as included_in_other
    from mart.plan_coverage
    group by as_of_on, level
),

coverage_dates as (
    select
        coalesce(
            string_agg(distinct cast(as_of_on as varchar), ', ' order by cast(as_of_on as varchar)),
            'none'
        ) as dates_with_records
    from mart.plan_coverage
),

compared as (
    select
        published.fact_id,
        published.measure,
        published.level,
        published.method,
        published.as_of_on,
        published.published,
        published.method in ('all', 'standalone', 'included_in_other') as is_compared,
        case published.method
            when 'all' then coverage.with_plan
            when 'standalone' then coverage.standalone
            when 'included_in_other' then coverage.included_in_other
        end as warehouse,
        coverage.governments,
        coverage.reported,
        coverage.sample_records,
        coverage.governments - coverage.reported as not_reported,
        coverage.reported = coverage.governments
            and (coverage.sample_records = 0 or coverage.sample_records = coverage.reported)
            as is_complete,
        coverage_dates.dates_with_records
    from published
    left join coverage using (as_of_on, level)
    cross join coverage_dates
),

classified as (
    select
        compared.*,
        case
            when not is_compared then null
            when governments is null then 'no_data'
            when warehouse = published then 'match'
            when sample_records > 0 and sample_records < reported then 'explained'
            when not_reported > 0 and warehouse < published
                and published - warehouse <= not_reported then 'explained'
            else 'differs'
        end as status
    from compared
),

explained as (
    select
        classified.* exclude (dates_with_records),
        case
            when status is null then null
            when status = 'no_data'
                then 'no local-plan records as of ' || coalesce(cast(as_of_on as varchar), 'None')
                || ' (records on: ' || dates_with_records || ')'
            when status = 'match'
                then case
                    when sample_records > 0 and sample_records = reported
                        then 'generated sample data, made to match'
                    else 'real records'
                end
                || case
                    when not_reported > 0
                        then '; ' || not_reported || ' of ' || governments
                        || ' governments not reported'
                    else ''
                end
            when status = 'explained' and sample_records > 0 and sample_records < reported
                then (reported - sample_records) || ' real records replace sample ones (the '
                || 'sample alone matches the white paper)'
            when status = 'explained'
                then not_reported || ' of ' || governments || ' governments not reported; the '
                || 'other ' || cast(trunc(published - warehouse) as bigint)
                || ' may be among them'
            else reported || ' of ' || governments || ' governments reported ('
                || case when sample_records = reported then 'sample' else 'real' end
                || ' records); check the records against the white paper''s count (資7-79-3 '
                || 'counts ordinances and implementation policies as plans)'
        end as explanation
    from classified
)

select * from explained
order by fact_id
