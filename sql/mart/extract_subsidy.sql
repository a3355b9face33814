-- The prefecture extract's table 補助事業: each prefecture's subsidy programme record per fiscal
-- year (participation, menus, amounts) with the fiscal year in Japanese and the national number
-- of participating prefectures that year. row_order is the row's place in its prefecture's file.
-- A view: an extract reads the marts as they are published, one prefecture at a time.
-- materialized: view
with uptake as (
    select * from mart.subsidy_uptake
),

prefectures as (
    select pref_code, name_ja as pref_name_ja from mart.prefecture
),

national as (
    select fiscal_year, participating_prefectures as national_participating
    from mart.subsidy_participation_by_fiscal_year
),

fiscal_years as (
    select fiscal_year, label_ja as fiscal_year_ja from core.dim_fiscal_year
),

joined as (
    select
        uptake.pref_code,
        prefectures.pref_name_ja,
        uptake.fiscal_year,
        fiscal_years.fiscal_year_ja,
        uptake.is_participating,
        uptake.participation_source,
        uptake.as_of_on,
        uptake.source,
        uptake.section,
        uptake.record_is_participating,
        uptake.menus,
        uptake.runs_coordination_meetings,
        uptake.runs_staff_training,
        uptake.runs_employment_housing_support,
        uptake.runs_specialised_support,
        uptake.runs_consultation_support,
        uptake.direct_support_menus,
        uptake.project_cost_yen,
        uptake.national_share_yen,
        national.national_participating,
        uptake.record_file,
        uptake.is_sample,
        uptake.is_participation_sample,
        row_number() over (partition by uptake.pref_code order by uptake.fiscal_year)
            as row_order
    from uptake
    inner join prefectures using (pref_code)
    left join national using (fiscal_year)
    left join fiscal_years using (fiscal_year)
)

select * from joined
