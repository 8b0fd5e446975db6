"""The marks of open warnings beside an item, for rows built in Python (the plan page's, plans/document.py).

The markup is templates/inc/warning_marks.html, which the task page and My work include themselves; once the plan
page's rows are a template too, they can include it and this module can go.
"""
from django.template.loader import render_to_string


def warning_marks_html(warnings):
    """A red or amber mark for each warning, titled with the day it was raised, between two line breaks."""
    return render_to_string("inc/warning_marks.html", {"warnings": warnings})
