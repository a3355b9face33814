-- Local governments with the flags every count needs. The six villages of the Northern
-- Territories have codes in the official list but no functioning government; they are not
-- among the 1,741 municipalities.
select
    lg_code,
    pref_code,
    name_ja,
    full_name_ja,
    name_kana,
    kind,
    parent_lg_code,
    is_northern_territories,
    kind in ('designated_city', 'city', 'town', 'village', 'special_ward')
        and not is_northern_territories as is_municipality
from stg.local_government
