"""Appendix import and export: reading Phụ lục I/II from the files offices keep, previewing, writing, undoing.

`table.py` reads rows into sections and items; `readers/` turns each file format into rows;
`preview.py` says what an upload would change; `write.py` writes it (and undoes it);
`services.py` is the workflow the pages, the admin, the command and the jobs call.
"""
from .table import INDICATORS, KINDS, TASKS, AppendixError, read_table, read_tsv  # noqa: F401
