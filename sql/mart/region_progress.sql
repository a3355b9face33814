-- One row per prefecture: its own plan, its municipalities' plan coverage (designated cities
-- excluded, from mart.plan_coverage) against the national coverage, its latest subsidy year
-- (participation, menus, amounts) and its latest indicators against the national values. is_sample marks rows built with any sample data.
with prefectures as (
    select pref_code, name_ja, short_name_ja, region_ja, region_en from core.dim_prefecture
),

plans as (
    select * from mart.plan_status
),

own_plan as (
    select
        pref_code,
        status as plan_status,
        has_plan,
        method as plan_method,
        plan_name,
        adopted_on as plan_adopted_on,
        period_start_on as plan_period_start_on,
        period_end_on as plan_period_end_on,
        as_of_on as plan_as_of_on,
        is_sample as plan_is_sample
    from plans
    where level = 'prefecture'
),

-- Municipal plan coverage is defined once, in mart.plan_coverage: the other municipalities
-- (designated cities excluded, as the white paper counts them) on the latest as-of date.
coverage as (
    select * from mart.plan_coverage
    where is_latest and level = 'municipality'
),

municipal as (
    select
        pref_code,
        governments as municipalities,
        reported as municipalities_reported,
        with_plan as municipalities_with_plan,
        standalone as municipalities_standalone,
        included_in_other as municipalities_included_in_other,
        coverage_ratio as municipal_coverage_ratio,
        as_of_on as municipal_coverage_as_of_on,
        is_sample as municipal_is_sample
    from coverage
),

national_municipal as (
    select sum(with_plan) / sum(governments) as national_municipal_coverage_ratio
    from coverage
),

subsidy as (
    select * from mart.subsidy_uptake
    qualify row_number() over (partition by pref_code order by fiscal_year desc) = 1
),

subsidy_years as (
    select
        pref_code,
        list(fiscal_year order by fiscal_year) filter (where is_participating)
            as participating_fiscal_years
    from mart.subsidy_uptake
    group by pref_code
),

national_subsidy as (
    select fiscal_year, participating_prefectures as national_participating
    from mart.subsidy_participation_by_fiscal_year
),

indicators as (
    select
        pref_code,
        count(*) as indicators_reported,
        count(national_value) as indicators_with_national,
        list({
            'indicator_name': indicator_name,
            'edition': edition,
            'indicator_number': indicator_number,
            'period': period,
            'value': value,
            'unit': unit,
            'national_value': national_value,
            'difference_from_national': difference_from_national
        } order by edition, indicator_number, indicator_name) as latest_indicators,
        bool_or(is_sample) as indicators_is_sample
    from mart.region_indicator
    group by pref_code
),

joined as (
    select
        prefectures.pref_code,
        prefectures.name_ja,
        prefectures.short_name_ja,
        prefectures.region_ja,
        prefectures.region_en,
        own_plan.plan_status,
        own_plan.has_plan,
        own_plan.plan_method,
        own_plan.plan_name,
        own_plan.plan_adopted_on,
        own_plan.plan_period_start_on,
        own_plan.plan_period_end_on,
        own_plan.plan_as_of_on,
        municipal.municipalities,
        municipal.municipalities_reported,
        municipal.municipalities_with_plan,
        municipal.municipalities_standalone,
        municipal.municipalities_included_in_other,
        municipal.municipal_coverage_ratio,
        municipal.municipal_coverage_as_of_on,
        national_municipal.national_municipal_coverage_ratio,
        municipal.municipal_coverage_ratio
            - national_municipal.national_municipal_coverage_ratio
            as municipal_coverage_vs_national,
        subsidy.fiscal_year as subsidy_fiscal_year,
        subsidy.is_participating,
        subsidy.participation_source,
        subsidy.menus as subsidy_menus,
        subsidy.direct_support_menus,
        subsidy.project_cost_yen,
        subsidy.national_share_yen,
        subsidy_years.participating_fiscal_years,
        national_subsidy.national_participating as national_participating_prefectures,
        coalesce(indicators.indicators_reported, 0) as indicators_reported,
        coalesce(indicators.indicators_with_national, 0) as indicators_with_national,
        indicators.latest_indicators,
        coalesce(own_plan.plan_is_sample, false)
            or coalesce(municipal.municipal_is_sample, false)
            or coalesce(subsidy.is_sample, false)
            or coalesce(indicators.indicators_is_sample, false) as is_sample
    from prefectures
    left join own_plan using (pref_code)
    left join municipal using (pref_code)
    cross join national_municipal
    left join subsidy using (pref_code)
    left join subsidy_years using (pref_code)
    left join national_subsidy on subsidy.fiscal_year = national_subsidy.fiscal_year
    left join indicators using (pref_code)
)

select * from joined
order by pref_code
