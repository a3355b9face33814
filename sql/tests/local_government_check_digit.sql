-- Every local-government code is 6 digits whose last digit is the JIS X 0402 check digit.
with codes as (
    select lg_code, name_ja from mart.local_government
),

digits as (
    select
        lg_code,
        name_ja,
        regexp_full_match(lg_code, '[0-9]{6}') as is_six_digits,
        (11 - (6 * cast(substr(lg_code, 1, 1) as integer)
            + 5 * cast(substr(lg_code, 2, 1) as integer)
            + 4 * cast(substr(lg_code, 3, 1) as integer)
            + 3 * cast(substr(lg_code, 4, 1) as integer)
            + 2 * cast(substr(lg_code, 5, 1) as integer)) % 11) % 10 as expected_check
    from codes
    where regexp_full_match(lg_code, '[0-9]{6}')
)

select lg_code, name_ja, 'not six digits' as problem
from codes where not regexp_full_match(lg_code, '[0-9]{6}')
union all
select lg_code, name_ja, 'check digit should be ' || expected_check
from digits where cast(substr(lg_code, 6, 1) as integer) <> expected_check
