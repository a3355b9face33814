-- Participation in the regional subsidy programme (地域再犯防止推進事業), one row per
-- prefecture and fiscal year for which a participant list is published.
with participants as (
    select
        pref_code,
        as_of_on,
        source,
        section,
        -- Japanese fiscal year: April to March.
        year(as_of_on) - case when month(as_of_on) < 4 then 1 else 0 end as fiscal_year
    from core.fact_published
    where topic = 'subsidy_participation' and measure = 'participating' and value = 1
),

fiscal_years as (
    select distinct fiscal_year, as_of_on, source, section from participants
),

prefecture_years as (
    select
        prefectures.pref_code,
        fiscal_years.fiscal_year,
        fiscal_years.as_of_on,
        fiscal_years.source,
        fiscal_years.section
    from core.dim_prefecture as prefectures
    cross join fiscal_years
),

uptake as (
    select
        prefecture_years.pref_code,
        prefecture_years.fiscal_year,
        participants.pref_code is not null as is_participating,
        prefecture_years.as_of_on,
        prefecture_years.source,
        prefecture_years.section,
        false as is_sample
    from prefecture_years
    left join participants
        on prefecture_years.pref_code = participants.pref_code
        and prefecture_years.fiscal_year = participants.fiscal_year
)

select * from uptake
order by fiscal_year, pref_code
