-- What the crime models were last built from: per crime dataset (prefecture, modus, data
-- year), the current files behind it. A build compares it with raw.file and refreshes only the
-- datasets whose files changed (warehouse/build.py); empty until the first build after this
-- migration, which is a full rebuild (the SQL changed).
create table meta.crime_build_state (
    pref_code varchar,
    modus     varchar,
    data_year integer,
    file_ids  integer[] not null
);
