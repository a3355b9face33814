-- Local governments with the flags every count needs. The six villages of the Northern
-- Territories have codes in the official list but no functioning government; they are not
-- among the 1,741 municipalities.
-- level is how the white paper counts governments (the one place a level is worked out):
-- prefecture, designated_city, municipality (every other municipality: cities, towns, villages
-- and the special wards of Tokyo) or ward (a ward of a designated city, counted with its city,
-- never on its own).
with governments as (
    select * from stg.local_government
),

flagged as (
    select
        lg_code,
        pref_code,
        name_ja,
        full_name_ja,
        name_kana,
        kind,
        case
            when kind in ('prefecture', 'designated_city', 'ward') then kind
            else 'municipality'
        end as level,
        parent_lg_code,
        is_northern_territories,
        kind in ('designated_city', 'city', 'town', 'village', 'special_ward')
            and not is_northern_territories as is_municipality
    from governments
)

select * from flagged
