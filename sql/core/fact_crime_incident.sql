-- One row per recorded incident with the calendar parts the marts group by. Incidents with an
-- unknown date or hour stay, with null parts. A view: the marts aggregate it in one pass each,
-- and a copy of every incident would double the warehouse for nothing.
-- materialized: view
with incidents as (
    select * from stg.crime_incident
),

with_calendar as (
    select
        incidents.*,
        cast(date_trunc('month', occurred_on) as date) as occurred_month_on,
        isodow(occurred_on) as occurred_weekday,
        lg_code_status in ('ok', 'repaired') as is_lg_code_valid
    from incidents
)

select * from with_calendar
