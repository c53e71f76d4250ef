"""Renderers: the book as self-contained HTML (nbconvert) and A3-landscape PDF (Typst)."""
