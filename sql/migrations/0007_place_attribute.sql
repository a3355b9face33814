-- A crime file with both 発生場所 (the newer name of the place type) and 発生場所の属性 (the
-- older one): 発生場所 stays the place type, and 発生場所の属性 is kept beside it instead of
-- being dropped. Null for files with one of the two.
alter table raw.crime_incident add column place_attribute varchar;
