"""Kept for narrative files written before the package was split into stages: their
figure cell says `from qareport.review import show_figures`. New stubs import it
from `qareport.book.review`."""

from qareport.book.review import show_figures

__all__ = ["show_figures"]
