-- Published facts with prefecture names resolved to codes.
with facts as (
    select * from stg.published_fact
),

prefectures as (
    select pref_code, name_ja from core.dim_prefecture
),

resolved as (
    select
        facts.*,
        prefectures.pref_code
    from facts
    left join prefectures on facts.pref_name = prefectures.name_ja
)

select * from resolved
