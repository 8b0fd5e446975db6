"""How alike two items' texts are, for suggesting which higher-plan item a commune item carries out.

Pure Python on normalised text (lower case, accents folded, punctuation dropped), so it
gives the same answer on any database. Suggestions are shown for a person to confirm,
never applied on their own.
"""
import re
from difflib import SequenceMatcher

from .text import fold

SUGGESTION_THRESHOLD = 0.35  # below this, two items share little more than the plans' common phrases
_WORD = re.compile(r"[a-z0-9]+")


def words(text):
    return _WORD.findall(fold(text))


def text_similarity(a, b):
    """0 to 1: the share of the two texts' words that line up in order (difflib on words)."""
    first, second = words(a), words(b)
    if not first or not second:
        return 0.0
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


def suggest(text, candidates, *, limit=3, threshold=SUGGESTION_THRESHOLD):
    """The best `limit` (score, candidate) pairs for `text` among (candidate, candidate text) pairs."""
    scored = [(text_similarity(text, other_text), candidate) for candidate, other_text in candidates]
    scored = [(round(score, 2), candidate) for score, candidate in scored if score >= threshold]
    return sorted(scored, key=lambda pair: -pair[0])[:limit]
