"""The book stage: executed sheets and the reviewers' files put together as one book.

model.py       Book, SheetPage and the other views both renderers draw
assemble.py    reads narrative, actions, themes and programme; fills placeholders
narrative.py   the reviewers' Markdown files
actions.py     the actions register
themes.py      cross-cutting themes and risks
programme.py   the quality assurance programme
balance.py     the information balance
review.py      figures beside the words in JupyterLab, and signing off
sync.py        a narrative and its paired notebook kept in step
workflow.py    narrative stubs and starting a new period
"""
