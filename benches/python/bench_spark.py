"""Spark local[2] beside one process (issue 14): normalise 5M typed postcodes through
heatkit.spark.normalise_postcode (Arrow UDF, serialisation to and from the JVM included) and
through heatkit.normalise_postcodes on a pyarrow column in this process. Goal: Spark within 3x.

Run: benches/python/run.sh spark [--rows N]   (needs Java 17; pyspark is installed by run.sh)
"""

from __future__ import annotations

import argparse
import lzma
import os
import random
import sys
import time

import pyarrow as pa

import heatkit

HERE = os.path.dirname(os.path.abspath(__file__))
LIVE = os.path.join(HERE, "..", "..", "..", "shared", "data", "postcodes", "live_postcodes_gb_ci_im_onspd_2025_02.txt.xz")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--batch", type=int, default=500_000, help="rows per Arrow batch handed to Python")
    args = ap.parse_args()
    rng = random.Random(14)
    with lzma.open(LIVE, "rt") as f:
        live = f.read().splitlines()
    values = [p.lower().replace(" ", "") if rng.random() < 0.3 else p for p in (rng.choice(live) for _ in range(args.rows))]
    column = pa.array(values)
    heatkit.normalise_postcodes(column[:1000])
    t = time.perf_counter()
    local = heatkit.normalise_postcodes(column)
    one_process = time.perf_counter() - t

    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    import heatkit.spark as hks

    # Two partitions (one per core) and large Arrow batches: the cost measured is handing the
    # column to the Python workers and back, not Spark's per-task overhead.
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false").config("spark.driver.memory", "6g")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.batch)).getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.createDataFrame(pa.table({"postcode": column}).to_pandas()).coalesce(2).cache()
    df.count()
    df.select(F.count(hks.normalise_postcode("postcode"))).collect()  # warm the Python workers
    t = time.perf_counter()
    found = df.select(F.count(hks.normalise_postcode("postcode"))).collect()[0][0]
    on_spark = time.perf_counter() - t
    assert found == len(local) - local.null_count, (found, local.null_count)
    # Spark's own floor: the same column through an Arrow UDF that returns it unchanged.
    identity = F.arrow_udf(lambda a: a, "string", F.ArrowUDFType.SCALAR) if hasattr(F, "arrow_udf") else None
    floor = float("nan")
    if identity is not None:
        df.select(F.count(identity("postcode"))).collect()
        t = time.perf_counter()
        df.select(F.count(identity("postcode"))).collect()
        floor = time.perf_counter() - t
    # Below any UDF: Spark counting the cached column, with no Python at all.
    df.select(F.count("postcode")).collect()
    t = time.perf_counter()
    df.select(F.count("postcode")).collect()
    scan = time.perf_counter() - t
    spark.stop()
    print(f"| normalise {args.rows:,} postcodes | one process {one_process:.2f} s | Spark local[2] {on_spark:.2f} s "
          f"| {on_spark / one_process:.1f}x (goal <= 3x) | Spark with a UDF that returns its input {floor:.2f} s "
          f"| Spark counting the column, no Python {scan:.2f} s ({scan / one_process:.1f}x) |")


if __name__ == "__main__":
    main()
