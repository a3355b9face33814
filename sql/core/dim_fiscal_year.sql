-- Japanese fiscal years (年度, April to March) with their labels: 令和6年度 / FY2024, the first
-- and last day. Fiscal years 1989 (平成元年度) to 2099; the first year of an era is 元年度.
-- FY2019 began in April, before the era changed on 1 May, and is called 令和元年度.
with years as (
    select range as fiscal_year from range(1989, 2100)
),

eras as (
    select
        fiscal_year,
        case when fiscal_year >= 2019 then '令和' else '平成' end as era_ja,
        fiscal_year - case when fiscal_year >= 2019 then 2018 else 1988 end as era_year
    from years
),

labelled as (
    select
        fiscal_year,
        era_ja || case when era_year = 1 then '元' else cast(era_year as varchar) end || '年度'
            as label_ja,
        'FY' || cast(fiscal_year as varchar) as label_en,
        make_date(fiscal_year, 4, 1) as starts_on,
        make_date(fiscal_year + 1, 3, 31) as ends_on
    from eras
)

select * from labelled
order by fiscal_year
