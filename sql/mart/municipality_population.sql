-- The population of each municipality and ward from the 2020 census as e-Stat serves it
-- (statsDataId 0003445078, 令和2年国勢調査 人口等基本集計 表1-1 男女別人口, fetched with
-- `saihan estat fetch --stats-data-id 0003445078`): the 男女 total (cat01 '0') of the census
-- year, matched to a local government by its 5-digit area code (the 6-digit code without its
-- check digit). Areas that are not governments (郡, 振興局, 市部) have no match and are left
-- out. What per-100,000 rates of a municipality divide by.
with census as (
    select *
    from stg.estat_value
    where stats_data_id = '0003445078'
        and area_level = 'municipality'
        and json_extract_string(category_codes, '$.cat01') = '0'
        and value is not null
),

governments as (
    select lg_code, pref_code, name_ja, full_name_ja, kind, level
    from core.dim_local_government
),

matched as (
    select
        governments.lg_code,
        governments.pref_code,
        governments.name_ja,
        governments.full_name_ja,
        governments.kind,
        governments.level,
        census.value::bigint as population,
        census.period_year as census_year,
        census.stat_name || ' ' || census.period_year || '年（e-Stat ' || census.stats_data_id || '）'
            as source,
        census.stats_data_id,
        census.source_file,
        census.is_sample
    from census
    inner join governments on substr(governments.lg_code, 1, 5) = census.area_code
    qualify row_number() over (
        partition by governments.lg_code
        order by census.period_year desc, census.tab_code
    ) = 1
)

select * from matched
order by lg_code
