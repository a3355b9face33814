-- Where a published fact can be read on the web: the address of the page that prints the quote
-- (a later column of the published-facts format; empty for files without it).
alter table raw.published_fact add column source_url varchar;
