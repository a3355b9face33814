-- The population of each prefecture from the census as published (令和2年国勢調査), the latest
-- census per prefecture: what per-100,000 rates divide by, with its source, year and the page
-- that prints it.
with facts as (
    select * from core.fact_published
    where topic = 'population' and measure = 'population' and pref_code is not null
),

latest as (
    select
        pref_code,
        value::bigint as population,
        as_of_on,
        year(as_of_on) as census_year,
        source,
        section,
        quote,
        source_url
    from facts
    qualify row_number() over (partition by pref_code order by as_of_on desc, source) = 1
)

select * from latest
order by pref_code
