-- mart.subsidy_uptake has one row per prefecture and fiscal year, and each year's number of
-- participating prefectures (mart.subsidy_participation_by_fiscal_year) equals the published
-- total for the date of its list.
with duplicates as (
    select pref_code, fiscal_year, 'duplicated row' as problem
    from mart.subsidy_uptake
    group by pref_code, fiscal_year
    having count(*) > 1
),

per_year as (
    select fiscal_year, published_as_of_on as as_of_on, participating_prefectures
    from mart.subsidy_participation_by_fiscal_year
    where published_as_of_on is not null
),

published as (
    select as_of_on, value
    from mart.published_total
    where topic = 'subsidy_participation' and measure = 'participating_prefectures'
),

mismatches as (
    select null as pref_code, year(published.as_of_on) as fiscal_year,
        'published ' || cast(published.value as bigint) || ' participating, mart has '
        || coalesce(per_year.participating_prefectures, 0) as problem
    from published
    left join per_year using (as_of_on)
    where coalesce(per_year.participating_prefectures, 0) <> published.value
)

select * from duplicates
union all
select * from mismatches
