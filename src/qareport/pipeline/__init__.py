"""The pipeline stage: building books, one or many.

options.py     BuildOptions: how a build is asked for
execute.py     section notebooks run by papermill, a long-lived kernel per core
own_notebook.py an analyst's own notebook for a sheet: a starting copy
manifest.py    what each sheet was built from, and when it must run again
provenance.py  inputs, hashes, settings and versions recorded in every book
build.py       one area's book: validate, execute what changed, render, swap in
batch.py       many areas at once, in parallel, fail-soft
"""
