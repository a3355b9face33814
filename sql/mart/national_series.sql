-- The national series that the white papers report one date at a time (local plans by level,
-- the members of 市町村再犯防止等推進会議 and 矯正施設所在自治体会議), one row per measure, level
-- and date: the figure of the newest edition that prints it, how many editions print it and
-- whether they agree, with its source, the page and the quote. Real published figures only.
with facts as (
    select * from mart.published_total
    where (topic = 'local_plans' and method = 'all')
        or (topic = 'councils' and measure in ('member_municipalities', 'member_governments'))
),

series_key as (
    select
        facts.*,
        case
            when topic = 'local_plans' then 'plans_' || level
            when measure = 'member_municipalities' then 'municipal_council_members'
            else 'correctional_host_members'
        end as series_id,
        -- The edition's year (令和6年版 -> 2024) orders editions: the newest one wins.
        coalesce(
            2018 + try_cast(regexp_extract(source, '令和(\d+)年版', 1) as integer),
            year(as_of_on)
        ) as edition_year
    from facts
    where as_of_on is not null
),

per_date as (
    select
        series_id,
        topic,
        measure,
        level,
        as_of_on,
        count(*) as editions,
        min(value) = max(value) as editions_agree,
        arg_max(value, edition_year) as value,
        arg_max(unit, edition_year) as unit,
        arg_max(source, edition_year) as source,
        arg_max(section, edition_year) as section,
        arg_max(quote, edition_year) as quote,
        arg_max(source_url, edition_year) as source_url,
        arg_max(fact_id, edition_year) as fact_id
    from series_key
    group by series_id, topic, measure, level, as_of_on
)

select * from per_date
order by series_id, as_of_on
