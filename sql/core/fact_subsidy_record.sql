-- One subsidy record per prefecture and fiscal year, with the menus run as a list. Where
-- deliveries overlap, real data wins over sample data, then the later delivery.
with records as (
    select * from stg.subsidy_record
),

ranked as (
    select
        records.*,
        row_number() over (
            partition by records.fiscal_year, records.pref_code
            order by records.is_sample, records.file_id desc, records.line_number desc
        ) as delivery_rank
    from records
),

with_menus as (
    select
        ranked.* exclude (delivery_rank),
        list_filter([
            case when runs_coordination_meetings then 'coordination_meetings' end,
            case when runs_staff_training then 'staff_training' end,
            case when runs_employment_housing_support then 'employment_housing_support' end,
            case when runs_specialised_support then 'specialised_support' end,
            case when runs_consultation_support then 'consultation_support' end
        ], lambda m: m is not null) as menus,
        cast(runs_employment_housing_support as integer)
            + cast(runs_specialised_support as integer)
            + cast(runs_consultation_support as integer) as direct_support_menus
    from ranked
    where delivery_rank = 1
)

select * from with_menus
