-- Incidents per municipality of occurrence, modus and data year. lg_code is null when the
-- published code was blank or invalid; the municipality name is then as written.
with incidents as (
    select * from core.fact_crime_incident
),

governments as (
    select lg_code, full_name_ja from core.dim_local_government
)

select
    incidents.pref_code,
    case when incidents.is_lg_code_valid then incidents.lg_code end as lg_code,
    coalesce(governments.full_name_ja, incidents.municipality_name) as municipality_name,
    incidents.modus,
    incidents.data_year,
    count(*) as incidents
from incidents
left join governments
    on incidents.lg_code = governments.lg_code and incidents.is_lg_code_valid
group by all
order by 1, 2, 4, 5
