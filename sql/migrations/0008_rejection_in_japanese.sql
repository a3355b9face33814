-- Every rejection in Japanese as well as English: the reason code (warehouse/reasons.py) and
-- its Japanese texts, what was found and what to do. The English reason/action columns stay as
-- they were. Null for rejections recorded before this migration.
alter table raw.rejected_file add column reason_code varchar;
alter table raw.rejected_file add column reason_ja varchar;
alter table raw.rejected_file add column action_ja varchar;
