-- The published warehouse's build, one row: which run built it, when (ISO 8601, UTC, as
-- recorded), and the fingerprint of the code and reference data it was built with. The
-- dashboard's "published at" line reads it here, not in meta.
with build_keys as (
    select key, value from meta.build_info
),

build as (
    select
        max(value) filter (where key = 'run_id') as run_id,
        max(value) filter (where key = 'built_at') as built_at,
        max(value) filter (where key = 'code_fingerprint') as code_fingerprint
    from build_keys
)

select * from build
