-- Police stations seen per prefecture, with the file that first showed each: a small table so
-- that a new delivery's "seen for the first time" finding never scans every incident.
create table raw.police_station_seen (
    pref_code      varchar not null,
    police_station varchar not null,
    first_file_id  integer not null,
    primary key (pref_code, police_station)
);

insert into raw.police_station_seen
select split_part(f.dataset_key, '/', 2), i.police_station, min(i.file_id)
from raw.crime_incident as i
inner join raw.file as f using (file_id)
where i.police_station is not null
group by all;
