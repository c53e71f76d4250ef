"""The config stage: what the workbook says, read and checked before any data.

periods.py     financial years, quarters and months (`2025-26`, `2025-26-Q3`, `2025-10`)
catalogue.py   content areas and measures (catalogues/*.yml built in)
parameters.py  parameters/defaults.yml and one file per area
project.py     the workbook folder: every path derived in one place
markers.py     GSS markers ([c], [x], [z], ...)
models.py      the strict base of every model
yamlio.py      safe YAML reading (dates stay strings)
cache.py       the user's cache folder (worked-out things kept between runs)
"""
