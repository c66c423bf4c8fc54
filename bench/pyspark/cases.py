"""The PySpark side of Kindling's benchmark: a long-lived worker on one Spark Connect server.

Started by bench/compare.ts with the server's URL (sc://127.0.0.1:<port>) as its only argument.
It reads one JSON command per line on stdin and answers one JSON line per command on stdout:

    {"op": "select1"}                                   -> {"ok": true, "ms": 41.2}
    {"op": "mixed_arrow", "n": 1000000}                 -> {"ok": true, "ms": ..., "extra": {...}}
    {"op": "mixed_collect", "n": 1000000}
    {"op": "count_csv", "path": "...", "schema": "...", "options": {...}}
    {"op": "with_columns", "n": 200}
    {"op": "pipeline", "data_dir": "...", "out_dir": "..."}
    {"op": "info"} / {"op": "quit"}

Each time is measured here around the public PySpark call only (time.perf_counter), so pipe and
JSON overhead is not charged to PySpark. The SQL of the mixed-type query comes from the driver
(bench/client.ts MIXED_SQL), so both clients run the same text.
"""

import json
import os
import resource
import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pipeline  # noqa: E402  (bench/pyspark/pipeline.py)


def main() -> None:
    url = sys.argv[1]
    spark = SparkSession.builder.remote(url).getOrCreate()
    out = sys.stdout
    # Anything else PySpark prints must not corrupt the protocol.
    sys.stdout = sys.stderr
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        op = cmd.get("op")
        if op == "quit":
            break
        try:
            answer = run(spark, op, cmd)
            answer["ok"] = True
        except Exception as e:  # report, keep serving
            answer = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()
    spark.stop()


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t) * 1000.0, result


def run(spark, op, cmd):
    if op == "info":
        import pyarrow
        import pyspark

        return {
            "pyspark": pyspark.__version__,
            "pyarrow": pyarrow.__version__,
            "python": sys.version.split()[0],
            "server": spark.version,
        }
    if op == "select1":
        ms, _ = timed(lambda: spark.sql("SELECT 1 AS one").collect())
        return {"ms": ms}
    if op == "mixed_arrow":
        df = spark.sql(cmd["sql"])
        cpu = time.process_time()  # all of the process's threads: gRPC's and pyarrow's too
        ms, table = timed(df.toArrow)
        cpu_ms = (time.process_time() - cpu) * 1000.0
        return {"ms": ms, "extra": {"rows": table.num_rows, "pythonCpuMs": round(cpu_ms)}}
    if op == "mixed_collect":
        df = spark.sql(cmd["sql"])
        ms, rows = timed(df.collect)
        n = len(rows)
        del rows
        return {"ms": ms, "extra": {"rows": n, "peakRssMB": peak_rss_mb()}}
    if op == "count_csv":
        def count():
            return (
                spark.read.schema(cmd["schema"]).options(**cmd.get("options", {})).csv(cmd["path"]).count()
            )

        ms, n = timed(count)
        return {"ms": ms, "extra": {"rows": n}}
    if op == "with_columns":
        n = int(cmd["n"])

        def build_and_analyse():
            df = spark.range(10)
            for i in range(n):
                df = df.withColumn(f"c{i}", F.col("id") + i)
            return df.schema

        ms, schema = timed(build_and_analyse)
        return {"ms": ms, "extra": {"columns": len(schema.fields)}}
    if op == "pipeline":
        ms, _ = timed(lambda: pipeline.run(spark, cmd["data_dir"], cmd["out_dir"]))
        return {"ms": ms}
    raise ValueError(f"unknown op {op!r}")


def peak_rss_mb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    main()
