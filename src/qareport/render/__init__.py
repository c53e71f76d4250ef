"""The render stage: the book as self-contained HTML (nbconvert) and A3-landscape PDF.

outputs.py     the outputs by name (entry points `qareport.outputs`): HTML, PDF engines, spreadsheet
captions.py    the words under every chart, for both renderers
board.py       the board summary's rows (icons, band, sparkline), for both renderers
spreadsheet.py report-book-data.xlsx, the figures as an accessible spreadsheet
html.py        the HTML book through an nbconvert template
typst_pdf.py   the PDF, written as Typst source, laid out and measured by the typst wheel
quarto.py      the optional Quarto route
"""
