-- mart.prefecture has exactly the 47 codes '01'..'47', each once, with every name filled.
with expected as (
    select lpad(cast(n as varchar), 2, '0') as pref_code from range(1, 48) as t(n)
),

problems as (
    select coalesce(e.pref_code, p.pref_code) as pref_code, 'missing or unexpected' as problem
    from expected as e
    full outer join mart.prefecture as p using (pref_code)
    where e.pref_code is null or p.pref_code is null
    union all
    select pref_code, 'duplicated' from mart.prefecture group by pref_code having count(*) > 1
    union all
    select pref_code, 'a name is empty' from mart.prefecture
    where coalesce(name_ja, '') = '' or coalesce(name_kana, '') = '' or coalesce(name_en, '') = ''
        or coalesce(region_ja, '') = '' or coalesce(parole_board_ja, '') = ''
)

select * from problems
