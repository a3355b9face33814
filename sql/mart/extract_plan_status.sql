-- The prefecture extract's table 計画策定状況: the latest local-plan status of the prefecture
-- and of every municipality in it (mart.plan_status). row_order is the row's place in its
-- prefecture's file.
-- A view: an extract reads the marts as they are published, one prefecture at a time.
-- materialized: view
with plans as (
    select * from mart.plan_status
),

prefectures as (
    select pref_code, name_ja as pref_name_ja from mart.prefecture
),

joined as (
    select
        plans.pref_code,
        prefectures.pref_name_ja,
        plans.lg_code,
        plans.name_ja,
        plans.kind,
        plans.level,
        plans.status,
        plans.has_plan,
        plans.method,
        plans.included_in,
        plans.plan_form,
        plans.plan_name,
        plans.adopted_on,
        plans.period_start_on,
        plans.period_end_on,
        plans.as_of_on,
        plans.source_file,
        plans.is_sample,
        row_number() over (partition by plans.pref_code order by plans.lg_code) as row_order
    from plans
    inner join prefectures using (pref_code)
)

select * from joined
