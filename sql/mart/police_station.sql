-- Police stations seen in the data, with the municipalities of their area.
select * from core.police_station
order by pref_code, police_station
