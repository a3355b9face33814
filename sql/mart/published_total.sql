-- National totals as published (plan counts by level and method, council memberships,
-- programme figures), each with its as-of date, the fiscal year that date falls in, and where
-- in the source it is printed.
with facts as (
    select * from core.fact_published
    where pref_name is null
),

fiscal_years as (
    select fiscal_year, starts_on, ends_on from core.dim_fiscal_year
),

dated as (
    select
        facts.fact_id,
        facts.topic,
        facts.measure,
        facts.level,
        facts.method,
        facts.value,
        facts.unit,
        facts.as_of_on,
        fiscal_years.fiscal_year as as_of_fiscal_year,
        facts.source,
        facts.section,
        facts.quote,
        facts.source_url,
        facts.source_file
    from facts
    left join fiscal_years on facts.as_of_on between fiscal_years.starts_on and fiscal_years.ends_on
)

select * from dated
order by topic, fact_id
