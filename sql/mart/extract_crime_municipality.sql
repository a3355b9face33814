-- The prefecture extract's table 犯罪_市区町村別: incidents per municipality of occurrence, modus
-- and data year (mart.crime_by_municipality summed over its police stations). row_order is the
-- row's place in its prefecture's file. Where the municipality's census population is known
-- (mart.municipality_population, from e-Stat), the incidents per 100,000 residents beside it,
-- with the population's source and year; empty where it is not.
-- A view: an extract reads the marts as they are published, one prefecture at a time.
-- materialized: view
with crime as (
    select
        pref_code, lg_code, municipality_name, modus, data_year,
        sum(incidents)::bigint as incidents
    from mart.crime_by_municipality
    group by all
),

prefectures as (
    select pref_code, name_ja as pref_name_ja from mart.prefecture
),

population as (
    select lg_code, population, source as population_source
    from mart.municipality_population
),

joined as (
    select
        crime.pref_code,
        prefectures.pref_name_ja,
        crime.lg_code,
        crime.municipality_name,
        crime.modus,
        crime.data_year,
        crime.incidents,
        population.population,
        population.population_source,
        round(crime.incidents * 100000.0 / nullif(population.population, 0), 1)
            as incidents_per_100k,
        row_number() over (
            partition by crime.pref_code
            order by crime.lg_code nulls last, crime.municipality_name nulls last, crime.modus,
                crime.data_year
        ) as row_order
    from crime
    inner join prefectures using (pref_code)
    left join population on crime.lg_code = population.lg_code
)

select * from joined
