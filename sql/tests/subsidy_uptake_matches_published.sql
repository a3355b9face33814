-- mart.subsidy_uptake has one row per prefecture and fiscal year, and each year's number of
-- participating prefectures equals the published total for that date.
with duplicates as (
    select pref_code, fiscal_year, 'duplicated row' as problem
    from mart.subsidy_uptake
    group by pref_code, fiscal_year
    having count(*) > 1
),

per_year as (
    select as_of_on, count(*) filter (where is_participating) as participating
    from mart.subsidy_uptake
    group by as_of_on
),

published as (
    select as_of_on, value
    from mart.published_total
    where topic = 'subsidy_participation' and measure = 'participating_prefectures'
),

mismatches as (
    select null as pref_code, year(published.as_of_on) as fiscal_year,
        'published ' || cast(published.value as bigint) || ' participating, mart has '
        || coalesce(per_year.participating, 0) as problem
    from published
    left join per_year using (as_of_on)
    where coalesce(per_year.participating, 0) <> published.value
)

select * from duplicates
union all
select * from mismatches
