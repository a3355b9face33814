-- National totals as published (plan counts by level and method, council memberships,
-- programme figures), each with its as-of date and where in the source it is printed.
select
    fact_id,
    topic,
    measure,
    level,
    method,
    value,
    unit,
    as_of_on,
    source,
    section,
    quote,
    source_file
from core.fact_published
where pref_name is null
order by topic, fact_id
