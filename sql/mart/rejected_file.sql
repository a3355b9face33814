-- Files that could not be loaded: where they are kept and the report a person can act on, in
-- Japanese (reason_ja, action_ja) and English (reason, action); reason_code names the reason in
-- warehouse/reasons.py.
select
    file_name,
    source_path,
    quarantined_path,
    rejected_at,
    run_id,
    line,
    column_name,
    reason_code,
    reason_ja,
    action_ja,
    reason,
    action,
    sha256
from raw.rejected_file
order by rejected_at desc
