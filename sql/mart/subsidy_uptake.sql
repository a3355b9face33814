-- The regional subsidy programme (地域再犯防止推進事業), one row per prefecture and fiscal year:
-- participation (from the published list where one exists, else from the records), the menus
-- run, project cost and national share (from the records). is_sample marks rows with any sample
-- content; is_participation_sample marks participation that itself comes from sample records.
with published_participants as (
    select pref_code, as_of_on, source, section
    from core.fact_published
    where topic = 'subsidy_participation' and measure = 'participating' and value = 1
),

fiscal_year_dates as (
    select fiscal_year, starts_on, ends_on from core.dim_fiscal_year
),

participants as (
    select
        published_participants.*,
        fiscal_year_dates.fiscal_year
    from published_participants
    left join fiscal_year_dates
        on published_participants.as_of_on
        between fiscal_year_dates.starts_on and fiscal_year_dates.ends_on
),

published_years as (
    select distinct fiscal_year, as_of_on, source, section from participants
),

records as (
    select * from core.fact_subsidy_record
),

fiscal_years as (
    select fiscal_year from published_years
    union
    select fiscal_year from records
),

prefecture_years as (
    select prefectures.pref_code, fiscal_years.fiscal_year
    from core.dim_prefecture as prefectures
    cross join fiscal_years
),

published_participation as (
    select
        prefecture_years.pref_code,
        prefecture_years.fiscal_year,
        participants.pref_code is not null as is_participating
    from prefecture_years
    inner join published_years using (fiscal_year)
    left join participants
        on prefecture_years.pref_code = participants.pref_code
        and prefecture_years.fiscal_year = participants.fiscal_year
),

uptake as (
    select
        prefecture_years.pref_code,
        prefecture_years.fiscal_year,
        coalesce(published_participation.is_participating, records.is_participating)
            as is_participating,
        case
            when published_years.fiscal_year is not null then 'published'
            when records.pref_code is not null then 'record'
        end as participation_source,
        published_years.as_of_on,
        coalesce(published_years.source, records.source_file) as source,
        published_years.section,
        records.is_participating as record_is_participating,
        records.menus,
        records.runs_coordination_meetings,
        records.runs_staff_training,
        records.runs_employment_housing_support,
        records.runs_specialised_support,
        records.runs_consultation_support,
        records.direct_support_menus,
        records.project_cost_yen,
        records.national_share_yen,
        records.source_file as record_file,
        coalesce(records.is_sample, false) as is_sample,
        published_years.fiscal_year is null and coalesce(records.is_sample, false)
            as is_participation_sample
    from prefecture_years
    left join published_years using (fiscal_year)
    left join published_participation using (pref_code, fiscal_year)
    left join records
        on prefecture_years.pref_code = records.pref_code
        and prefecture_years.fiscal_year = records.fiscal_year
)

select * from uptake
order by fiscal_year, pref_code
