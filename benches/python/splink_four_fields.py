#!/usr/bin/env python3
"""Splink on FEBRL with the four fields heatkit sees there: given name, surname, date of birth and
postcode (the shared runner, ../shared/tools/linkage/run_splink.py, gives Splink every FEBRL column,
the social security number and address among them, which heatkit never has).

    python benches/python/splink_four_fields.py febrl2        # prints one JSON line

Settings are the shared runner's FEBRL settings with the other columns left out: blocking on each
of the four fields, NameComparison on both names, DateOfBirthComparison, DamerauLevenshtein on the
postcode with term frequencies; u from random pairs, m by EM blocked on the date of birth and on
both names, the prior from the exact name-and-date rule. Bench environment only.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT.parent / "shared" / "tools" / "linkage"))
import linkeval as le  # noqa: E402

FIELDS = ["given_name", "surname", "date_of_birth", "postcode"]


def main() -> None:
    name = sys.argv[1]
    import duckdb
    import numpy as np
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    ds = le.load_febrl(name)
    frames = [f[["unique_id", *FIELDS]].replace({np.nan: None}) for f in ds.frames]
    settings = SettingsCreator(
        link_type=ds.link_type,
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[block_on(f) for f in FIELDS],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False,
    )
    con = duckdb.connect()
    con.execute("SET temp_directory = '" + os.path.join(tempfile.gettempdir(), "duckdb_spill") + "'")
    con.execute("SET threads=2")
    db = DuckDBAPI(connection=con)
    t0 = time.perf_counter()
    tables = [db.register(f, dataset_display_name=f"df_{i}") for i, f in enumerate(frames)]
    linker = Linker(tables if len(tables) > 1 else tables[0], settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=42)
    for rule in [block_on("date_of_birth"), block_on("given_name", "surname")]:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    pred = linker.inference.predict(warning_mode="never")
    pairs = con.sql(f"select unique_id_l, unique_id_r, match_weight, match_probability "
                    f"from {pred.physical_name}").df()
    t = time.perf_counter() - t0
    best = le.best_threshold_metrics(pairs.unique_id_l.values, pairs.unique_id_r.values,
                                     pairs.match_weight.values, ds)
    # Splink's own "default": probability 0.9, the threshold heatkit uses.
    truth = set(le.pair_key(ds.truth_l, ds.truth_r, ds.link_type).tolist())
    keep = pairs.match_probability.values >= 0.9
    found = set(le.pair_key(pairs.unique_id_l.values[keep], pairs.unique_id_r.values[keep],
                            ds.link_type).tolist())
    tp = len(found & truth)
    p, r = tp / max(len(found), 1), tp / max(len(truth), 1)
    print(json.dumps(dict(dataset=name, f1_at_0_9=2 * p * r / (p + r) if p + r else 0.0,
                          f1_best=best["f1"], max_recall=best["max_recall"], t_s=round(t, 2),
                          peak_rss_mb=round(le.peak_rss_mb(), 1))))


if __name__ == "__main__":
    main()
