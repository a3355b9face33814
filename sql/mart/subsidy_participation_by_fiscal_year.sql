-- National participation in the regional subsidy programme (地域再犯防止推進事業), one row per
-- fiscal year of mart.subsidy_uptake: how many prefectures took part (from the published list
-- where one exists, else from the records), the date of that list, the programme's total cost
-- and national share, and what the records alone say (how many prefectures have a record, how
-- many of them took part, and which prefectures the records and the list disagree on).
-- The one place this count is made: the regional progress mart, the extracts, the dashboard,
-- `saihan check` and the data test subsidy_uptake_matches_published read it here.
with uptake as (
    select * from mart.subsidy_uptake
),

fiscal_years as (
    select fiscal_year, label_ja, label_en from core.dim_fiscal_year
),

per_year as (
    select
        fiscal_year,
        count(*) filter (where is_participating) as participating_prefectures,
        any_value(participation_source) as participation_source,
        max(as_of_on) as published_as_of_on,
        sum(project_cost_yen)::bigint as project_cost_yen,
        sum(national_share_yen)::bigint as national_share_yen,
        count(record_is_participating) as prefectures_with_record,
        count(*) filter (where record_is_participating) as record_participating_prefectures,
        bool_and(is_sample) filter (where record_is_participating is not null)
            as are_records_sample,
        list(pref_code order by pref_code)
            filter (where record_is_participating and not is_participating)
            as record_only_pref_codes,
        list(pref_code order by pref_code)
            filter (where not record_is_participating and is_participating)
            as list_only_pref_codes,
        bool_or(is_participation_sample) as is_participation_sample,
        bool_or(is_sample) as is_sample
    from uptake
    group by fiscal_year
),

labelled as (
    select
        per_year.fiscal_year,
        fiscal_years.label_ja as fiscal_year_ja,
        fiscal_years.label_en as fiscal_year_en,
        per_year.* exclude (fiscal_year)
    from per_year
    left join fiscal_years using (fiscal_year)
)

select * from labelled
order by fiscal_year
