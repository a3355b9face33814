-- Crime incidents live in the crime store (warehouse/store.py), a DuckDB file of their own beside
-- the warehouse, so that a run copies only the rest of the warehouse to build in. Their rows
-- were copied there just before this migration (store.move_rows_into_store). From here on
-- raw.crime_incident is the store's rows of the files this warehouse holds: the published
-- warehouse and each snapshot see exactly their own files' incidents.
drop table raw.crime_incident;

create view raw.crime_incident as
select i.*
from crime_store.crime_incident as i
where i.file_id in (select file_id from raw.file);
