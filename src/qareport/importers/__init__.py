"""Importers: published statistics in their own formats, turned into ordinary extracts.

Each importer writes a tidy extract under `data/imported/` (the same format an
analyst's own extract has), so imported figures go through the same
validation, store and disclosure control as everything else, and a rebuild
needs no importer to run again. Importers are found by name in `registry`
(entry points `qareport.importers`); `run` holds the built-in ones.
"""
