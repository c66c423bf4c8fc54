"""Prints a Delta table's rows as JSON, read by delta-rs (the `deltalake` package), not by Spark.

    python read_table.py <table path> [version]

Output: a JSON list of rows, each {column: text or null}: decimals as written (10.00), dates as
yyyy-mm-dd, timestamps as UTC ISO instants with milliseconds (2026-11-03T09:00:00.000Z), so that
the test can compare them with Spark's rows value for value.
"""
import datetime
import json
import os
import sys

from deltalake import DeltaTable


def text(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        utc = value.astimezone(datetime.timezone.utc) if value.tzinfo else value
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def main():
    path = sys.argv[1]
    version = int(sys.argv[2]) if len(sys.argv) > 2 else None
    table = DeltaTable(path, version=version)
    rows = table.to_pyarrow_table().to_pylist()
    json.dump([{k: text(v) for k, v in row.items()} for row in rows], sys.stdout)
    sys.stdout.flush()
    # Skip the interpreter's teardown: once in a full test run, delta-rs's native threads aborted
    # it ("terminate called without an active exception") after the rows were read.
    os._exit(0)


if __name__ == "__main__":
    main()
