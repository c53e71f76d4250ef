"""The ingest stage: extracts validated and loaded into the DuckDB store.

sources.py     where extracts are, and how a problem in one is named
extracts.py    tidy extracts (CSV, XLSX, Parquet) validated with pandera
caselevel.py   case-level files aggregated to returns by DuckDB
months.py      quarters and years made from monthly returns, where only months came
store.py       output/store.duckdb, rebuilt exactly when an input changes
"""
