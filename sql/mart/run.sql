-- The runs that published a warehouse, newest first.
select
    run_id,
    started_at,
    trigger,
    status,
    files_seen,
    files_loaded,
    files_skipped as files_unchanged,
    files_superseded,
    files_rejected,
    rows_loaded
from meta.run
order by started_at desc
