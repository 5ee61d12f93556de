"""import heatkit.polars: the heatkit namespace on polars expressions and Series gives the same
answers as the column functions, in eager and lazy queries."""

import pytest

import heatkit

pl = pytest.importorskip("polars")
import heatkit.polars  # noqa: E402,F401

POSTCODES = ["sw1a1aa", "CRO 2YR", None, "", "nope", "EH9 1SF", "Zoë", "BFPO 105"] * 5_000
DOBS = ["2010-08-31", "2010-09-01", None, "2012-02-29", "31/02/2013", "01/09/2013", "", "2011-01-02"] * 5_000


def test_expressions_match_the_column_functions():
    df = pl.DataFrame({"postcode": POSTCODES, "dob": DOBS})
    out = (
        df.lazy()
        .select(
            pl.col("postcode").heatkit.normalise().alias("normalised"),
            pl.col("postcode").heatkit.normalise(fix=True).alias("fixed"),
            pl.col("postcode").heatkit.normalise(level="shape").alias("shape"),
            pl.col("postcode").heatkit.is_valid().alias("valid"),
            pl.col("dob").heatkit.year_group(academic_year="2024/25").alias("year_group"),
        )
        .collect()
    )
    assert out["normalised"].to_list() == heatkit.normalise_postcodes(POSTCODES)
    assert out["fixed"].to_list() == heatkit.normalise_postcodes(POSTCODES, fix=True)
    assert out["shape"].to_list() == heatkit.normalise_postcodes(POSTCODES, level="shape")
    assert out["valid"].to_list()[:8] == [True, False, None, False, False, True, False, False]
    assert out["year_group"].to_list()[:8] == ["Year 10", "Year 9", None, "Year 8", None, "Year 6", None, "Year 9"]
    assert out.schema == {"normalised": pl.String, "fixed": pl.String, "shape": pl.String,
                          "valid": pl.Boolean, "year_group": pl.String}


def test_series_namespace():
    s = pl.Series("pc", ["ls14ap", None, "CRO 2YR"])
    assert s.heatkit.normalise().to_list() == ["LS1 4AP", None, None]
    assert s.heatkit.normalise(fix=True).to_list() == ["LS1 4AP", None, "CR0 2YR"]
    assert s.heatkit.is_valid().to_list() == [True, None, False]
    dobs = pl.Series("dob", ["2010-08-31", None])
    assert dobs.heatkit.year_group(academic_year="2024/25").to_list() == ["Year 10", None]
