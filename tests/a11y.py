"""Checks every browser journey can make of a page: axe-core's rules, and no English left on a Vietnamese page."""
import re

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()  # runs the axe.min.js bundled in the package: nothing is downloaded
# Words that would only be there if an English string escaped translation (the page's own Vietnamese text has none).
_ENGLISH = re.compile(r"\b(the|and|of|Save|Submit|Search|Next|Previous|Page|Delete|None|True|False|Enter|required|"
                      r"Cancel|Filter|Loading|Error|Not Found|Forbidden|Server Error)\b")


def axe_report(page):
    """axe-core's violations on the page as a readable report; empty when there is none."""
    results = _AXE.run(page)
    return f"{page.url}: {results.generate_report()}" if results.violations_count else ""


def axe_preload(context):
    """axe-core put in every page the context opens, as the page starts: axe_start then need not send its 500 KB
    script through Playwright to each page and have the page compile it again."""
    context.add_init_script(script=_AXE.axe_script)


def axe_start(page):
    """Start axe-core on the page without waiting for it: several pages (each its own renderer) run side by side."""
    start = "() => { window.axeViolations = axe.run({resultTypes: ['violations']}); }"
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(_AXE.axe_script)
    page.evaluate(start)


def axe_finish(page):
    """The violations axe_start found, one line each: the rule, its help, and the elements (a few of them)."""
    return _lines(page.evaluate("window.axeViolations.then(results => results.violations)"))


def axe_violations(page):
    """axe-core's violations on the page, one line each."""
    return _lines(_AXE.run(page).response["violations"])


def _lines(violations):
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        where = "; ".join(" ".join(node["target"]) + " " + node["html"][:120] for node in nodes[:3])
        more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
        lines.append(f"{violation['id']} ({violation['impact']}, {len(nodes)}): {violation['help']}: {where}{more}")
    return lines


def english_words(page):
    return sorted(set(_ENGLISH.findall(page.locator("body").inner_text())))


def assert_accessible(page):
    report = axe_report(page)
    assert not report, report


def assert_vietnamese(page):
    found = english_words(page)
    assert not found, f"English on a Vietnamese page {page.url}: {found}"
