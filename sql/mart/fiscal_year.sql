-- Japanese fiscal years with their labels (令和6年度 / FY2024) and first and last day: the one
-- place a fiscal year is named, for the dashboard as for the marts that label fiscal years.
select fiscal_year, label_ja, label_en, starts_on, ends_on
from core.dim_fiscal_year
order by fiscal_year
