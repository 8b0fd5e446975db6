"""How alike two items' texts are, for suggesting which higher-plan item a commune item carries out.

Commune plans copy their province's items, but offices also retype them: abbreviations (CĐS, KHCN, ĐMST,
UBND, CSDL, DVCTT...), text typed without diacritics, clauses in another order, a summary of the item. So a
text is read as a bag of terms, each syllable and each pair of neighbouring syllables once the plans' stock
words are dropped, in two spellings: folded (no diacritics, abbreviations spelt out) and as written (where
both texts carry diacritics, "số" and "sở" stay apart). Terms are weighed by TF-IDF over the higher plan's
items, so the phrase every item repeats ("khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số") counts for
little and what sets an item apart counts for much.

`CandidateIndex` is built once for a higher plan's items (a dict of weights per item and an inverted index);
ranking a text against it reads only the items sharing a term with it. `assign` matches a whole lower plan one
to one, the most alike pairs first. Pure Python, the same answer on any database. Suggestions are shown for a
person to confirm, never applied on their own.

`text_similarity` (difflib's ratio on words, in order) is what the seed fixtures' builder uses to find the
item a seed plan mirrors; the bench keeps it as the previous matcher.
"""
import math
import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

from .text import clean_cell, fold

# Chosen on tests/data/cascade_truth.json (`make bench-cascade`, `--sweep` for the other thresholds): the
# paragraphs that carry out no task score up to 0.30 with their best match, the retyped items' right matches
# 0.35 and up.
SUGGESTION_THRESHOLD = 0.32

# Further suggestions are shown beside the first only when they score at least this share of it: a clear copy
# stands alone (on the labelled set the wrong runners-up of a right first score at most 0.51 of it).
RUNNER_UP_SHARE = 0.6
# A best match under the threshold is still shown when it stands clear of every other item: at least this score
# and this many times the runner-up's (a short retyped item shares few terms with its long original, but none with
# the others: tests/data/cascade_truth_independent.json; chosen after that set was committed, see bench-cascade).
CLEAR_LEAD_FLOOR, CLEAR_LEAD_RATIO = 0.25, 1.5
IDF_FLOOR = 1.0  # weight of a term every item holds, beside log((1 + items) / (1 + items holding it))
_WORD = re.compile(r"[a-z0-9]+")
_TOKEN = re.compile(r"\w+")

# Abbreviations these plans use (seeds 000-004 and office spreadsheets), folded, with the words they stand for.
ABBREVIATIONS = {
    "cds": "chuyen doi so", "khcn": "khoa hoc cong nghe", "kh cn": "khoa hoc cong nghe",
    "kh va cn": "khoa hoc cong nghe", "dmst": "doi moi sang tao", "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan", "csdl": "co so du lieu", "dvctt": "dich vu cong truc tuyen",
    "dvc": "dich vu cong", "tthc": "thu tuc hanh chinh", "cchc": "cai cach hanh chinh",
    "cntt": "cong nghe thong tin", "attt": "an toan thong tin", "anm": "an ninh mang",
    "ai": "tri tue nhan tao", "ttnt": "tri tue nhan tao", "iot": "internet van vat",
    "cbccvc": "can bo cong chuc vien chuc", "cbcc": "can bo cong chuc", "ccvc": "cong chuc vien chuc",
    "dn": "doanh nghiep", "dnnvv": "doanh nghiep nho va vua", "htx": "hop tac xa",
    "tmdt": "thuong mai dien tu", "ktxh": "kinh te xa hoi", "kt xh": "kinh te xa hoi",
    "vhxh": "van hoa xa hoi", "vh xh": "van hoa xa hoi", "bcd": "ban chi dao",
    "qp an": "quoc phong an ninh", "qpan": "quoc phong an ninh", "nnlcl": "nguon nhan luc chat luong cao",
    "nq": "nghi quyet", "qd": "quyet dinh", "kh ubnd": "ke hoach uy ban nhan dan",
    "mttq": "mat tran to quoc", "mttqvn": "mat tran to quoc viet nam", "hcc": "hanh chinh cong",
}
# Words the plans use for one thing, folded, mapped to the one the higher plans use.
SYNONYMS = {
    "thu truong": "nguoi dung dau", "nguoi dan": "nhan dan", "de xuat": "kien nghi",
    "cap tren": "cap co tham quyen", "khoa hoc ky thuat": "khoa hoc cong nghe",
    "mang xa hoi": "khong gian mang", "tri tue nhan tao ai": "tri tue nhan tao",
}
# Stock words of every plan: they say how, not what ("triển khai", "tăng cường"...), or where. Single
# syllables here (folded); phrases in `_STOP_PHRASES`, dropped before the syllables are split.
STOP_WORDS = frozenset("""
    cac cua va trong cho de voi ve theo tren tai la co duoc nhung mot nhu nham tu den cung hoac vao ra
    nay do khi moi da se dang phai rat nhieu hon viec xa tinh huyen phuong
""".split())
_STOP_PHRASES = ("trien khai", "thuc hien", "tang cuong", "day manh", "nang cao", "hieu qua", "co quan", "don vi",
                 "phong ban", "dia ban", "hang nam", "dinh ky", "ket qua", "nhiem vu", "cong tac", "giai phap",
                 "tich cuc", "kip thoi", "chu dong", "quyet liet", "dong bo", "thuong xuyen", "thanh pho",
                 "dong nai", "phu lam", "to chuc thuc hien")


def _phrase_pattern(phrases):
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(p) for p in ordered) + r")\b")


# Dates and the resolutions every plan cites ("Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính
# trị"): shared by plans that have nothing else in common.
_CITATION = re.compile(r"\b(?:ngay )?\d+ \d+ \d{4}\b|\bngay \d+(?: thang \d+)?(?: nam \d+)?|\bnam \d{4}\b"
                       r"|\b\d+ nq (?:tw|cp)\b|\bnghi quyet so\b|\bbo chinh tri\b|\bchinh phu\b")
_ABBREVIATION = _phrase_pattern(ABBREVIATIONS)
_SYNONYM = _phrase_pattern(SYNONYMS)
_STOP_PHRASE = _phrase_pattern(_STOP_PHRASES)


def words(text):
    return _WORD.findall(fold(text))


@lru_cache(maxsize=50_000)
def _fold_word(word):
    return fold(word)


def _kept(text):
    """[(syllable as written, folded)] of the text, lower case, the dates, cited resolutions and stock phrases
    left out."""
    written = _TOKEN.findall(unicodedata.normalize("NFC", clean_cell(text)).lower())
    folded = [_fold_word(word) for word in written]
    joined, starts, at = " ".join(folded), [], 0
    for word in folded:
        starts.append(at)
        at += len(word) + 1
    dropped = set()
    for pattern in (_CITATION, _STOP_PHRASE):
        for match in pattern.finditer(joined):
            dropped.update(n for n, start in enumerate(starts) if match.start() <= start < match.end())
    return [(word, folded[n]) for n, word in enumerate(written) if n not in dropped]


def folded_words(text, kept=None):
    """The text's content syllables, folded: abbreviations spelt out, synonyms unified, stock words dropped."""
    text = " ".join(folded for _word, folded in (_kept(text) if kept is None else kept))
    text = _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1)], text)
    text = _SYNONYM.sub(lambda m: SYNONYMS[m.group(1)], text)
    return [word for word in _WORD.findall(text) if word not in STOP_WORDS]


def has_diacritics(text):
    return any(ord(ch) > 127 and ch.isalpha() for ch in text)


def written_words(text, kept=None):
    """The text's syllables as written (lower case, NFC), without the stock words."""
    return [word for word, folded in (_kept(text) if kept is None else kept) if folded not in STOP_WORDS]


def terms(text, *, written=True):
    """Counter of the text's terms: folded syllables and pairs ("f:"), and, for a text with diacritics (unless
    `written` is off), the syllables and pairs as written ("w:")."""
    found, kept = Counter(), _kept(text)
    for prefix, sequence in (("f:", folded_words(text, kept)),
                             ("w:", written_words(text, kept) if written and has_diacritics(text) else [])):
        found.update(prefix + word for word in sequence)
        found.update(f"{prefix}{a} {b}" for a, b in zip(sequence, sequence[1:], strict=False))
    return found


class CandidateIndex:
    """Texts (a higher plan's items) weighed once, TF-IDF over these texts, ready to rank any number of texts."""

    def __init__(self, texts, *, written=True):
        self.written_spelling = written
        counted = [terms(text, written=written) for text in texts]
        documents = Counter(term for found in counted for term in found)
        total = len(counted)
        self.size = total
        self.idf = {term: math.log((1 + total) / (1 + df)) + IDF_FLOOR for term, df in documents.items()}
        self._unseen_idf = math.log(1 + total) + IDF_FLOOR
        self.postings = {}
        self.written = {position for position, text in enumerate(texts) if written and has_diacritics(text)}
        for position, found in enumerate(counted):
            for vector in self._vectors(found).values():
                for term, weight in vector.items():
                    self.postings.setdefault(term, []).append((position, weight))

    def _vectors(self, found):
        """Unit vectors of the terms' weights, one a spelling (folded, as written)."""
        idf, unseen = self.idf, self._unseen_idf
        vectors = {"f:": {}, "w:": {}}
        for term, count in found.items():
            vectors[term[:2]][term] = (1 + math.log(count) if count > 1 else 1.0) * idf.get(term, unseen)
        for spelling, vector in list(vectors.items()):
            if not vector:
                del vectors[spelling]
                continue
            norm = math.sqrt(sum(w * w for w in vector.values()))
            vectors[spelling] = {term: weight / norm for term, weight in vector.items()}
        return vectors

    def scores(self, text):
        """{position: 0 to 1} for the texts sharing a term with `text`: the cosine of the folded spellings,
        averaged with that of the spellings as written when both texts carry diacritics."""
        vectors = self._vectors(terms(text, written=self.written_spelling))
        dots = {}
        for spelling, vector in vectors.items():
            found = dots.setdefault(spelling, {})
            for term, weight in vector.items():
                for position, other_weight in self.postings.get(term, ()):
                    found[position] = found.get(position, 0.0) + weight * other_weight
        folded, written = dots.get("f:", {}), dots.get("w:")
        if written is None:
            return folded
        return {position: (score + written.get(position, 0.0)) / 2 if position in self.written else score
                for position, score in folded.items()}

    def rank(self, text, *, limit=3, threshold=SUGGESTION_THRESHOLD, taken=frozenset()):
        """The best `limit` (score, position) pairs for the text, best first, those far behind the best left
        out; positions in `taken` (carried out by another item already) come after the others."""
        everything = self.scores(text)
        scored = [(score, position) for position, score in everything.items() if score >= threshold]
        if not scored and threshold > CLEAR_LEAD_FLOOR:
            scored = self._clear_lead(everything)
        best = max((score for score, _position in scored), default=0.0)
        scored = [(score, position) for score, position in scored if score >= best * RUNNER_UP_SHARE]
        scored.sort(key=lambda pair: (pair[1] in taken, -pair[0], pair[1]))
        return [(round(score, 2), position) for score, position in scored[:limit]]


    @staticmethod
    def _clear_lead(scores):
        """[(score, position)] of the best match under the threshold when it stands clear of the others, else []."""
        ranked = sorted(((score, position) for position, score in scores.items()), reverse=True)[:2]
        if not ranked or ranked[0][0] < CLEAR_LEAD_FLOOR:
            return []
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        return ranked[:1] if ranked[0][0] >= CLEAR_LEAD_RATIO * runner_up else []


@lru_cache(maxsize=32)
def candidate_index(texts):
    """The index of a tuple of texts, kept for the next request on the same plan (texts are the key)."""
    return CandidateIndex(texts)


def assign(texts, index, *, threshold=SUGGESTION_THRESHOLD):
    """One to one: for each text the indexed position it matches, or None; the most alike pairs are matched
    first, so two lower items never get the same higher item and the better copy keeps it."""
    pairs = sorted(((score, row, position) for row, text in enumerate(texts)
                    for position, score in index.scores(text).items() if score >= threshold),
                   key=lambda triple: (-triple[0], triple[1], triple[2]))
    matched, used = [None] * len(texts), set()
    for score, row, position in pairs:
        if matched[row] is None and position not in used:
            matched[row] = (round(score, 2), position)
            used.add(position)
    return matched


def text_similarity(a, b):
    """0 to 1: the share of the two texts' words that line up in order (difflib on words)."""
    first, second = words(a), words(b)
    if not first or not second:
        return 0.0
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


def suggest(text, candidates, *, limit=3, threshold=SUGGESTION_THRESHOLD, taken=()):
    """The best `limit` (score, candidate) pairs for `text` among (candidate, candidate text) pairs; the
    candidates in `taken` (carried out by another item already) after the others."""
    candidates = list(candidates)
    index = candidate_index(tuple(other for _candidate, other in candidates))
    taken = {position for position, (candidate, _text) in enumerate(candidates) if candidate in taken}
    return [(score, candidates[position][0])
            for score, position in index.rank(text, limit=limit, threshold=threshold, taken=taken)]
