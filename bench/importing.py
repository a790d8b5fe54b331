"""The import at scale (issue #16): the benchmark world's agreements with their parties and status changes
written to a workbook and imported into an empty database, on PostgreSQL, side by side with its baseline.

- `import_full` and `import_quarter`: `import_records` of the whole world's workbook and of a quarter of it,
  each into a new empty database: rows per second and the process's peak memory (its high-water RSS).
  Streamed, the peak should not grow with the file: `import_peak_full_vs_quarter` near 1.
- `read_full`: the baseline, the same workbook only read (interchange.xlsx's rows, as the import reads
  them), nothing checked or written: `import_rate_vs_read` is the share of the reading speed left after every
  row's checks and writes.

`python -m bench.importing` (on the world's database, DATABASE_URL) writes bench/results/latest-import.json
(and a dated copy) and prints one JSON line, which bench/run.py adds to its own results. Nothing here asserts
a time.
"""

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SHEETS = {"agreement_types", "groupings", "sources", "agreements", "parties", "events"}
LIMITS = {"IMPORT_MAX_BYTES": str(2 * 1024**3), "IMPORT_MAX_UNPACKED_BYTES": str(16 * 1024**3)}
READ = (
    "import sys; from interchange.xlsx import open_workbook; workbook = open_workbook(open(sys.argv[1], 'rb')); "
    "print(sum(1 for name in workbook.sheetnames for _row in workbook[name].cell_rows()) - len(workbook.sheetnames))"
)


def _export(env: dict[str, str], path: Path, quarter: bool) -> None:
    """The world's agreements (or the first quarter of them by slug) with their parties and events."""
    code = (
        "from negotiations.models import Agreement; from interchange import exporter; "
        "world = Agreement.objects.filter(slug__startswith='world-').order_by('slug'); "
        "cut = world.values_list('slug', flat=True)[world.count() // 4] if QUARTER else None; "
        "chosen = world.filter(slug__lt=cut) if cut else world; "
        f"exporter.write_xlsx(chosen, open({str(path)!r}, 'wb'), only={sorted(SHEETS)!r})"
    ).replace("QUARTER", str(quarter))
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True)


def _measured(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Seconds, peak RSS (KiB) and standard output of one child process."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    out = process.stdout.read() if process.stdout else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command[:4])} failed ({process.returncode}):\n{out[-2000:]}")
    return time.monotonic() - started, usage.ru_maxrss, out


def _import(env: dict[str, str], database_url: str, name: str, path: Path) -> dict:
    parts = urlsplit(database_url)
    scratch = f"{parts.path.lstrip('/')}_{name}"
    scratch_url = parts._replace(path=f"/{scratch}").geturl()
    admin = parts._replace(path="/postgres").geturl()
    import psycopg2

    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        scratch_env = env | {"DATABASE_URL": scratch_url} | LIMITS
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=scratch_env, check=True
        )
        seconds, peak, out = _measured([sys.executable, "manage.py", "import_records", str(path)], scratch_env)
        summary = out.strip().splitlines()[-1]
        rows = int(summary.split(": ", 1)[1].split(" rows", 1)[0])
        _line(f"import_{name}", rows, seconds, peak)
        return {"rows": rows, "seconds": round(seconds, 1), "rows_per_second": round(rows / seconds), "peak_kib": peak,
                "file_bytes": path.stat().st_size}  # fmt: skip
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        connection.close()


def _line(name: str, rows: int, seconds: float, peak_kib: int) -> None:
    rate = rows / seconds
    print(
        f"{name:16} {rows:>9,} rows in {seconds:7.1f} s  {rate:8.0f} rows/s  peak {peak_kib / 1024:6.0f} MiB",
        flush=True,
    )


def main() -> None:
    database_url = os.environ["DATABASE_URL"]
    env = dict(os.environ) | {"DEBUG": "false"}
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="raa-import-bench-") as folder:
        full, quarter = Path(folder) / "world.xlsx", Path(folder) / "world-quarter.xlsx"
        started = time.monotonic()
        _export(env, full, quarter=False)
        results["export_full"] = {"seconds": round(time.monotonic() - started, 1), "file_bytes": full.stat().st_size}
        _export(env, quarter, quarter=True)
        seconds, peak, out = _measured([sys.executable, "-c", READ, str(full)], env)
        rows = int(out.strip().splitlines()[-1])
        results["read_full"] = {"rows": rows, "seconds": round(seconds, 1), "rows_per_second": round(rows / seconds),
                                "peak_kib": peak}  # fmt: skip
        _line("read_full", rows, seconds, peak)
        results["import_quarter"] = _import(env, database_url, "quarter", quarter)
        results["import_full"] = _import(env, database_url, "full", full)
    full_import, quarter_import, read = results["import_full"], results["import_quarter"], results["read_full"]
    ratios = {
        "import_peak_full_vs_quarter": round(full_import["peak_kib"] / quarter_import["peak_kib"], 2),
        "import_rate_vs_read": round(full_import["rows_per_second"] / read["rows_per_second"], 3),
    }
    document = {"import": results, "import_ratios": ratios}
    scale = os.environ.get("BENCH_SCALE", "full")
    suffix = "" if scale == "full" else f"-{scale}"
    stamped = {"date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "scale": scale} | document
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in (f"{datetime.date.today().isoformat()}-import{suffix}.json", f"latest-import{suffix}.json"):
        (RESULTS / name).write_text(json.dumps(stamped, indent=2) + "\n")
    print(json.dumps(document))


if __name__ == "__main__":
    main()
