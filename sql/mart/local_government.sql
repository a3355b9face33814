-- Every local government: prefectures, municipalities and the wards of designated cities
-- (the Northern Territories villages, which have codes but no government, are left out), with
-- its kind and the level the white paper counts it at (core.dim_local_government).
with governments as (
    select * from core.dim_local_government
    where not is_northern_territories
),

prefectures as (
    select pref_code, name_ja as pref_name_ja from core.dim_prefecture
),

parents as (
    select lg_code as parent_lg_code, name_ja as parent_name_ja from core.dim_local_government
),

joined as (
    select
        governments.lg_code,
        governments.name_ja,
        governments.full_name_ja,
        governments.name_kana,
        governments.kind,
        governments.level,
        governments.is_municipality,
        governments.pref_code,
        prefectures.pref_name_ja,
        governments.parent_lg_code,
        parents.parent_name_ja
    from governments
    inner join prefectures using (pref_code)
    left join parents using (parent_lg_code)
)

select * from joined
order by lg_code
