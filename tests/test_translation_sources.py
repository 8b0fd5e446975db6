"""Interface strings makemessages can find: a gettext call inside an f-string is not extracted, so its words
drop out of the catalogue (marked obsolete) and the page shows them untranslated."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy", "gettext_noop"}


def _gettext_calls_in_fstrings(source):
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and getattr(inner.func, "id", getattr(inner.func, "attr", "")) in GETTEXT:
                    found.append(inner.lineno)
    return found


def test_no_gettext_call_inside_an_fstring():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if ".venv" in path.parts or "migrations" in path.parts:
            continue
        offenders += [f"{path.relative_to(ROOT)}:{line}" for line in _gettext_calls_in_fstrings(path.read_text())]
    assert offenders == []


def test_the_check_finds_a_call_inside_an_fstring():
    assert _gettext_calls_in_fstrings('x = f"<p>{escape(_(\'Chưa có\'))}</p>"\ny = _("ngoài")\n') == [1]
