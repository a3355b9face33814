-- Non-blocking findings per accepted file (dates after the data year, repaired or unknown
-- codes, police stations seen for the first time, ...), with the file they belong to and its prefecture (null: a file of several).
select
    f.file_id,
    f.file_name,
    f.source_kind,
    f.pref_code,
    n.code,
    n.severity,
    n.message,
    n.line,
    n.column_name,
    n.count as lines
from raw.file_finding as n
inner join raw.file as f using (file_id)
order by f.file_id desc, n.severity desc, n.code
