-- A delivery's identity as typed columns of raw.file, filled by the readers: the prefecture, the
-- modus and the data year of a crime file, and the scope of the other kinds (the publication of a
-- facts file; the e-Stat table and its narrowing; the editions, prefectures, periods and
-- indicators of an indicator file; the fiscal years and prefectures of subsidy records; the as-of
-- date and prefectures of a plan list). A later delivery with the same (source_kind, pref_code,
-- modus, data_year, scope, is_sample) supersedes the earlier one; dataset_key stays as the
-- readable label only.
alter table raw.file add column pref_code varchar;  -- '01'..'47' when the file is one prefecture
alter table raw.file add column modus varchar;      -- crime open data: 手口, canonical name
alter table raw.file add column data_year integer;  -- crime open data: the year the file reports
alter table raw.file add column scope varchar;

-- Backfill of rows loaded before this migration.
--
-- Published facts: the scope is the publication, read from the file's own rows.
update raw.file as f
set scope = p.source
from (select file_id, any_value(source) as source from raw.published_fact group by file_id) as p
where f.file_id = p.file_id and f.source_kind = 'published_facts';

-- Programme files: the prefecture from their rows, when they hold exactly one (01-47).
update raw.file as f
set pref_code = r.pref_code
from (
    select file_id, min(pref_code) as pref_code
    from (
        select file_id, pref_code from raw.indicator_value
        union all select file_id, pref_code from raw.subsidy_record
        union all select file_id, pref_code from raw.local_plan
    )
    group by file_id
    having count(distinct pref_code) = 1 and count(pref_code) = count(*)
) as r
where f.file_id = r.file_id
    and f.source_kind in ('indicators', 'subsidy_records', 'local_plans')
    and r.pref_code between '01' and '47';

-- What no data column holds exactly is taken, this one time, from the label the reader wrote
-- (the typed columns are written by the readers from now on):
-- - crime: the modus as written in the rows may be any spelling (full-width, spaces) and the
--   data year comes from the file name, so the label's canonical modus and year are the only
--   exact record; the prefecture is taken with them;
-- - e-Stat and programme files: the scope holds hashes of the narrowing conditions and of value
--   sets, which only the label records; it is the label without its kind (and sample) prefix.
update raw.file as f
set
    pref_code = struct_extract(c.parts, 'pref_code'),
    modus = struct_extract(c.parts, 'modus'),
    data_year = cast(struct_extract(c.parts, 'data_year') as integer)
from (
    select
        file_id,
        regexp_extract(
            dataset_key, '^crime/([^/]+)/([^/]+)/([0-9]+)$', ['pref_code', 'modus', 'data_year']
        ) as parts
    from raw.file
    where source_kind = 'crime_open_data'
) as c
where f.file_id = c.file_id;

update raw.file
set scope = regexp_replace(dataset_key, '^(sample/)?(estat|indicators|subsidy|local_plans)/', '')
where source_kind in ('estat', 'indicators', 'subsidy_records', 'local_plans');
