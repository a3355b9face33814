-- The 47 prefectures (JIS X 0401) from the bundled reference list.
select
    pref_code,
    name_ja,
    name_kana,
    name_en,
    region_ja,
    region_en,
    parole_board_ja,
    parole_board_en
from ref.prefecture
