"""The nightly extracts as Prefect tasks on a Dask cluster of processes (SAIHAN_DASK_ADDRESS):
the same bytes as written in turn in one process."""

from __future__ import annotations

import sys
import types
from dataclasses import replace
from pathlib import Path

import pytest
from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from flows import pipeline as flows
from tests.helpers import sha
from warehouse.export.nightly import write_in_turn
from warehouse.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_harness")

# Two prefectures (with real-format sample crime data) keep it cheap; the nightly
# flow maps all 47 the same way.
PREFECTURES = ["01", "40"]


def files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_extracts_on_a_local_dask_cluster_of_processes_are_byte_identical(
        sample_home: Settings, tmp_path: Path, monkeypatch) -> None:
    from distributed import LocalCluster
    from prefect_dask import DaskTaskRunner

    # Dask's worker processes are spawned, and a spawned process runs the parent's __main__
    # again: in a test worker that ran the dashboard through AppTest, that is the app script.
    # An operator's `saihan serve` has the command as its __main__; here, a bare module.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))

    in_turn = tmp_path / "in-turn"
    write_in_turn(sample_home, PREFECTURES, in_turn)
    on_dask = tmp_path / "dask"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        settings = replace(sample_home, dask_address=cluster.scheduler_address)
        runner = flows.task_runner(settings)
        assert isinstance(runner, DaskTaskRunner)

        @flow(task_runner=runner)
        def extracts() -> None:
            flows.extracts_on_task_runner(settings, PREFECTURES, on_dask)

        extracts()
        # The extract tasks went to the cluster (its scheduler runs here, its workers are
        # processes of their own).
        assert cluster.scheduler.task_prefixes, "no task reached the Dask scheduler"
    assert len(files(on_dask)) == len(files(in_turn)) > 2 * 5
    assert files(on_dask) == files(in_turn)


def test_threads_unless_a_dask_scheduler_is_named(tmp_path: Path) -> None:
    settings = Settings.from_env({"SAIHAN_HOME": str(tmp_path)})
    assert isinstance(flows.task_runner(settings), ThreadPoolTaskRunner)
    with pytest.raises(ValueError, match="SAIHAN_DASK_ADDRESS.*tcp://"):
        Settings.from_env({"SAIHAN_HOME": str(tmp_path), "SAIHAN_DASK_ADDRESS": "8786"})
