-- Prefecture indicators, e-Stat statistics, subsidy records (地域再犯防止推進事業) and local-plan
-- status (地方再犯防止推進計画), as received: the text as written beside the value read from it.

-- Indicator template rows: one value per indicator x prefecture ('00' = national) x period.
create table raw.indicator_value (
    file_id          integer not null,
    line_number      integer not null,
    edition_raw      varchar,
    edition          integer,             -- plan edition: 2 = 第二次再犯防止推進計画
    indicator_number varchar,             -- as in the plan: 3, 1-1
    indicator_name   varchar,
    indicator_key    varchar,             -- the number, or the name when there is none
    pref_raw         varchar,
    pref_code        varchar,
    period_raw       varchar,
    period           varchar,             -- '2022' (calendar year) or 'FY2022'
    period_kind      varchar,             -- year | fiscal_year
    period_year      integer,
    value_raw        varchar,
    value            double,
    value_note       varchar,             -- meaning of a special cell (X, -, …)
    unit             varchar,
    numerator        double,
    denominator      double,
    source           varchar,
    notes            varchar
);

-- e-Stat getStatsData values: one row per DATA_INF.VALUE, with its CLASS_INF dimensions.
create table raw.estat_value (
    file_id          integer not null,
    line_number      integer not null,    -- position of the VALUE in DATA_INF (1-based)
    stats_data_id    varchar not null,
    stat_name        varchar,
    gov_org          varchar,
    table_title      varchar,
    survey_date      varchar,
    open_date        varchar,
    tab_code         varchar,
    tab_name         varchar,
    category_codes   varchar,             -- JSON object {"cat01": "100", ...}
    category_names   varchar,             -- the categories' names joined with ' / '
    indicator_name   varchar,
    area_code        varchar,
    area_name        varchar,
    area_level       varchar,             -- national | prefecture | municipality | other | none
    pref_code        varchar,             -- '00' national, '01'..'47'
    time_code        varchar,
    time_name        varchar,
    period           varchar,
    period_kind      varchar,             -- year | fiscal_year | other
    period_year      integer,
    unit             varchar,
    value_raw        varchar,
    value            double,
    special_char     varchar,             -- X, -, …, *** ...
    special_meaning  varchar,             -- from DATA_INF.NOTE
    annotation       varchar
);

-- Subsidy programme records: one row per prefecture and fiscal year.
create table raw.subsidy_record (
    file_id                    integer not null,
    line_number                integer not null,
    fiscal_year_raw            varchar,
    fiscal_year                integer,
    pref_raw                   varchar,
    pref_code                  varchar,
    participating_raw          varchar,
    is_participating           boolean,
    coordination_meetings      boolean,
    staff_training             boolean,
    employment_housing_support boolean,
    specialised_support        boolean,
    consultation_support       boolean,
    project_cost_raw           varchar,
    project_cost_yen           bigint,
    national_share_raw         varchar,
    national_share_yen         bigint,
    notes                      varchar
);

-- Local-plan status: one row per local government and as-of date.
create table raw.local_plan (
    file_id          integer not null,
    line_number      integer not null,
    as_of_raw        varchar,
    as_of_on         date,
    lg_code_raw      varchar,
    lg_code          varchar,
    name_raw         varchar,
    pref_raw         varchar,
    pref_code        varchar,
    status_raw       varchar,
    status           varchar,             -- adopted | in_preparation | none
    method_raw       varchar,
    method           varchar,             -- standalone | included_in_other (when adopted)
    included_in      varchar,
    plan_form        varchar,             -- plan | ordinance | policy
    plan_name        varchar,
    adopted_on_raw   varchar,
    adopted_on       date,
    period_start_raw varchar,
    period_start_on  date,
    period_end_raw   varchar,
    period_end_on    date,
    notes            varchar
);
