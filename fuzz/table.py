"""The campaign table in fuzz/README.md, from fuzz/campaign.tsv: executions and seconds summed
over runs, coverage and features the highest one run reached, the corpus as last counted, and
how the runs ended.

    python3 fuzz/table.py
"""

import collections
import csv
from pathlib import Path

ORDER = ["postcode", "dates_and_year_groups", "names", "typology", "model_json", "context_json",
         "area_index", "csv_import", "workbook_import", "activities_import"]
FILES = {"csv_import", "workbook_import", "activities_import"}

rows = list(csv.DictReader(open(Path(__file__).with_name("campaign.tsv")), delimiter="\t"))
print("| target | executions (all runs) | goal | seconds | coverage (edges) | features | corpus | runs ended |")
print("|---|---:|---:|---:|---:|---:|---:|---|")
for target in ORDER:
    runs = [r for r in rows if r["target"] == target]
    if not runs:
        continue
    num = lambda v: int(v) if v.isdigit() else 0  # noqa: E731
    ended = collections.Counter(r["outcome"] for r in runs)
    print(f"| `{target}` | {sum(num(r['executions']) for r in runs):,} | "
          f"{1_000_000 if target in FILES else 10_000_000:,} | {sum(num(r['seconds']) for r in runs):,} | "
          f"{max(num(r['coverage']) for r in runs):,} | {max(num(r['features']) for r in runs):,} | "
          f"{num(runs[-1]['corpus']):,} | {', '.join(f'{n} {o}' for o, n in sorted(ended.items()))} |")
