-- What each model and data test last ran on: per model (and per data test, once it passed), a
-- hash of the tables it reads in raw, ref and meta, through the models it reads. An incremental
-- build leaves a model whose inputs hash the same as they are (a model is a deterministic
-- function of its inputs), and the audit skips a data test that passed on the same inputs
-- (warehouse/build.py). Empty until the first build after this migration, a full rebuild.
create table meta.model_input_state (
    name   varchar primary key,
    inputs varchar not null
);
