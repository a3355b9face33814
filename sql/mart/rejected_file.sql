-- Files that could not be loaded: where they are kept and the report a person can act on.
select
    file_name,
    source_path,
    quarantined_path,
    rejected_at,
    run_id,
    line,
    column_name,
    reason,
    action,
    sha256
from raw.rejected_file
order by rejected_at desc
