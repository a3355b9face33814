-- The 47 prefectures: codes as text '01'..'47', names and regional groupings.
select
    pref_code,
    name_ja,
    short_name_ja,
    name_kana,
    name_en,
    region_ja,
    region_en,
    parole_board_ja,
    parole_board_en
from core.dim_prefecture
order by pref_code
