-- Every local government (JIS X 0402 with check digit) from the bundled reference list.
select
    lg_code,
    pref_code,
    name_ja,
    full_name_ja,
    nullif(name_kana, '') as name_kana,
    kind,
    nullif(parent_lg_code, '') as parent_lg_code,
    northern_territories = 'true' as is_northern_territories
from ref.local_government
