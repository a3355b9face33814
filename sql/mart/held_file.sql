-- Re-deliveries held instead of loaded because they would shrink their dataset, and whether
-- someone accepted them (`saihan accept`).
with

held as (
    select * from raw.held_file
),

final as (
    select
        file_name,
        source_path,
        held_path,
        held_at,
        run_id,
        source_kind,
        dataset_key,
        rows_before,
        rows_after,
        reason,
        accepted_at is not null as is_accepted,
        accepted_at,
        accepted_by,
        accepted_run_id,
        sha256
    from held
)

select * from final
order by held_at desc
