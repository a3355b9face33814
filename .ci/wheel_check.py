"""CI: the built wheel runs on its own. Build it, install it into an empty venv, run
`saihan sample` and `saihan run` there from an unrelated folder, and require the published
marts to equal those of the same two commands run from the checkout.

usage: uv run python .ci/wheel_check.py   (needs the package index for the wheel's dependencies)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
# Columns that differ between any two runs of the same files: when, which run, where, and the
# surrogate file ids (files load oldest first, and an installed file's mtime is its install's).
PER_RUN = re.compile(r"(^run_id$|_at$|_path$|^report$|^duration|^quarantined_as$|^file_id$"
                     r"|^superseded_by$)")


def sh(*args: str | Path, cwd: Path | None = None, env: dict | None = None) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, text=True,
                            capture_output=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def marts(warehouse: Path) -> dict[str, list]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for (table,) in con.execute("select table_name from information_schema.tables "
                                    "where table_schema = 'mart' order by 1").fetchall():
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = 'mart' "
                "and table_name = ? order by ordinal_position", [table]).fetchall()
                if not PER_RUN.search(c)]
            select = ", ".join(f'"{c}"' for c in columns)
            out[table] = sorted(con.execute(f"select {select} from mart.{table}").fetchall(),
                                key=repr)
        return out
    finally:
        con.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="saihan-wheel-") as scratch:
        scratch = Path(scratch)
        sh("uv", "build", "--wheel", "--out-dir", scratch / "dist", cwd=REPO)
        [wheel] = (scratch / "dist").glob("saihan-*.whl")
        venv = scratch / "venv"
        sh("uv", "venv", "--quiet", "--python", sys.executable, venv)
        sh("uv", "pip", "install", "--quiet", "--python", venv / "bin" / "python", wheel)
        elsewhere = scratch / "elsewhere"
        elsewhere.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_"))}
        homes = {}
        for name, saihan, cwd in (("wheel", venv / "bin" / "saihan", elsewhere),
                                  ("checkout", REPO / ".venv" / "bin" / "saihan", REPO)):
            home = scratch / f"home-{name}"
            run_env = dict(env, SAIHAN_HOME=str(home))
            sh(saihan, "sample", cwd=cwd, env=run_env)
            print(sh(saihan, "run", cwd=cwd, env=run_env).strip().splitlines()[-1])
            homes[name] = home / "warehouse.duckdb"
        installed = sh(venv / "bin" / "python", "-c",
                       "import warehouse.resources as r; print(r.root())", cwd=elsewhere).strip()
        if not installed.startswith(str(venv)):
            sys.exit(f"the installed saihan read its files from {installed}, not from the wheel")
        wheel_marts, checkout_marts = marts(homes["wheel"]), marts(homes["checkout"])
        if not checkout_marts or wheel_marts != checkout_marts:
            differing = sorted(t for t in {*wheel_marts, *checkout_marts}
                               if wheel_marts.get(t) != checkout_marts.get(t))
            for t in differing:
                extra = set(wheel_marts.get(t, [])) ^ set(checkout_marts.get(t, []))
                print(t, sorted(extra, key=repr)[:4])
            sys.exit(f"the wheel's warehouse differs from the checkout's in {differing}")
        rows = sum(map(len, wheel_marts.values()))
        print(f"wheel check: {wheel.name} installed alone publishes the same {len(wheel_marts)} "
              f"marts ({rows:,} rows) as the checkout")


if __name__ == "__main__":
    main()
