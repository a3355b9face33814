-- Prefectures with the short name used on maps and in lists (東京都 -> 東京, 北海道 stays).
select
    pref_code,
    name_ja,
    case
        when name_ja = '北海道' then name_ja
        else regexp_replace(name_ja, '[都府県]$', '')
    end as short_name_ja,
    name_kana,
    name_en,
    region_ja,
    region_en,
    parole_board_ja,
    parole_board_en
from stg.prefecture
