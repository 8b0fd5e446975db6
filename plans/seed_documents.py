"""Turning the five seed documents (text extracted from signed plans) into fixture data.

Run once through `manage.py build_seed_fixtures`; the JSON it writes under
fixtures/seed/ is what `load_demo` loads, so the seeds need not be present.
"""
import re

from .appendix import INDICATORS, read_tsv
from .text import clean_cell

_MARKUP = re.compile(r"^[#\s*]+|[*\s]+$")
_NUMBERED = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\.\s+(?P<text>\S.*)$")
_LETTERED = re.compile(r"^(?P<number>[a-zđ])\)\s+(?P<text>\S.*)$")
_PARENTHESISED = re.compile(r"^\((?P<number>\d+)\)\s+(?P<text>\S.*)$")
_BULLET = re.compile(r"^-\s+(?P<text>\S.*)$")


def paragraphs(text, start, end):
    """Paragraphs between two markers, with those cut by a page break joined back together."""
    body = text[text.index(start) + len(start): text.index(end, text.index(start))]
    result = []
    for block in re.split(r"\n\s*\n", body):
        line = _MARKUP.sub("", " ".join(block.split()))
        line = clean_cell(line)
        if not line:
            continue
        if result and (line[0].islower() or result[-1].endswith((",", " và", "trong"))) and not _BULLET.match(line) and not _LETTERED.match(line):
            result[-1] = f"{result[-1]} {line}"
        else:
            result.append(line)
    return result


def _table(text, start, end, kind):
    end_index = text.index(end, text.index(start)) if end else len(text)
    return read_tsv(text[text.index(start):end_index], kind)


def appendix_data(table, *, appendix, section_offset):
    sections = [{"number": s.number, "title": s.title, "appendix": appendix, "parent": None} for s in table.sections]
    rows = []
    for item in table.items:
        v = item.values
        row = {"section": None if item.section is None else item.section + section_offset, "ordinal": item.ordinal}
        if table.kind == INDICATORS:
            row |= {"content": v["content"], "unit_of_measure": v.get("unit_of_measure", ""),
                    "target": v.get("target", ""), "lead": v.get("lead", ""), "support": v.get("support", "")}
        else:
            row |= {"title": v["content"], "details": "", "lead": v.get("lead", ""), "support": v.get("support", ""),
                    "product": v.get("product", ""), "timeline": v.get("timeline", "")}
        rows.append(row)
    return sections, rows


def lettered_tasks(paras, *, root_number, root_title, item_pattern):
    """A heading per group (`1. ...`) with its items (`a) ...` or `- ...`) as tasks."""
    sections = [{"number": root_number, "title": root_title, "appendix": "", "parent": None}]
    tasks = []
    for para in paras:
        group = _NUMBERED.match(para)
        if group and "." not in group["number"]:
            sections.append({"number": f"{group['number']}.", "title": group["text"], "appendix": "", "parent": 0})
            continue
        item = item_pattern.match(para)
        if item is None and item_pattern is _BULLET and tasks and tasks[-1]["section"] == len(sections) - 1:
            # A paragraph between bullet items that lost its dash in the signed copy (Phú Lâm, group 3)
            # is an item like its neighbours, not a stray line.
            item = re.match(r"(?P<text>.+)", para)
        if item and len(sections) > 1:
            section = len(sections) - 1
            ordinal = item.groupdict().get("number") or str(sum(1 for t in tasks if t["section"] == section) + 1)
            if item_pattern is _LETTERED:
                ordinal = f"{ordinal})"
            tasks.append(_task(section, ordinal, item["text"]))
    return sections, tasks


def _task(section, ordinal, title, details=""):
    return {"section": section, "ordinal": ordinal, "title": title, "details": details,
            "lead": "", "support": "", "product": "", "timeline": ""}


def themed_tasks(paras, *, root_number, root_title):
    """Dân Tiến's layout: themes `1.`, items `1.1.` or plain paragraphs, bullets as their details."""
    sections = [{"number": root_number, "title": root_title, "appendix": "", "parent": None}]
    tasks = []
    current = None
    for para in paras:
        numbered = _NUMBERED.match(para)
        bullet = _BULLET.match(para)
        if numbered and "." not in numbered["number"]:
            sections.append({"number": f"{numbered['number']}.", "title": numbered["text"], "appendix": "", "parent": 0})
            current = None
        elif len(sections) == 1 or para.startswith("("):
            continue
        elif numbered:
            current = _task(len(sections) - 1, numbered["number"], numbered["text"])
            current["kind"] = "numbered"
            tasks.append(current)
        elif current is not None and (current["kind"] == "numbered" or (bullet and current["kind"] == "plain")):
            current["details"] = f"{current['details']}\n{para}".strip()
        else:
            section = len(sections) - 1
            ordinal = str(sum(1 for t in tasks if t["section"] == section) + 1)
            current = _task(section, ordinal, bullet["text"] if bullet else para)
            current["kind"] = "bullet" if bullet else "plain"
            tasks.append(current)
    for task in tasks:
        task.pop("kind")
    return sections, tasks


# Đại Phước writes its targets as prose; these are the targets as a table would state them.
DAI_PHUOC_TARGETS = {
    ("1.1", "1"): ("≥ 60%", "% dân số"), ("1.1", "2"): ("≥ 70%", "% hộ gia đình"),
    ("1.2", "1"): ("≥ 2%", "% GRDP"), ("1.2", "2"): ("100%", "%"), ("1.2", "3"): ("100%", "%"),
    ("1.2", "4"): ("100%", "%"), ("1.2", "5"): ("≥ 90%", "%"), ("1.2", "6"): ("06 - 10", "người"),
    ("1.3", "1"): ("01 - 02", "mô hình/năm"), ("1.3", "2"): ("Triển khai", ""), ("1.3", "3"): ("≥ 500", "người"),
    ("1.3", "4"): ("≥ 01", "đề tài/đề án"), ("1.3", "5"): ("Triển khai", ""),
    ("1.4", "1"): ("Triển khai", ""), ("1.4", "2"): ("≥ 80%", "%"), ("1.4", "3"): ("100%", "%"),
    ("1.4", "4"): ("100%", "%"), ("1.4", "5"): ("≥ 02", "mô hình"),
    ("1.5", "1"): ("Nhóm 10 đơn vị cấp xã/phường có thứ hạng cao nhất tỉnh", "Thứ bậc"),
    ("1.5", "2"): ("90%", "%"), ("1.5", "3"): ("100%", "%"), ("1.5", "4"): ("100%", "%"),
    ("1.5", "5"): ("100%", "%"), ("1.5", "6"): ("100%", "%"), ("1.5", "7"): ("95%", "%"),
    ("1.5", "8"): ("≥ 80%", "%"), ("1.5", "9"): ("≥ 90%", "%"), ("1.5", "10"): ("≥ 80%", "%"),
    ("1.5", "11"): ("≥ 90%", "%"), ("1.5", "12"): ("100%", "%"), ("1.5", "13"): ("100%", "%"),
    ("1.5", "14"): ("100%", "%"), ("1.5", "15"): ("≥ 80%", "%"), ("1.5", "16"): ("≥ 80%", "%"),
    ("1.5", "17"): ("≥ 90%", "%"), ("1.5", "18"): ("≥ 50%", "%"), ("1.5", "19"): ("≥ 90%", "%"),
    ("1.5", "20"): ("15-17%", "% GRDP"), ("1.5", "21"): ("100%", "%"), ("1.5", "22"): ("≥ 95%", "%"),
    ("1.5", "23"): ("≥ 95%", "%"), ("1.5", "24"): ("100%", "%"),
    ("1.5", "25"): ("Đúng lộ trình của Kế hoạch tỉnh", ""),
    ("1.5", "26"): ("Được phê duyệt cấp độ an toàn thông tin", ""),
}


def prose_indicators(paras, *, root_number, root_title, targets, lead="", support_by_section=None):
    sections = [{"number": root_number, "title": root_title, "appendix": "", "parent": None}]
    indicators = []
    section_number = None
    for para in paras:
        group = _NUMBERED.match(para)
        if group and "." in group["number"]:
            section_number = group["number"]
            sections.append({"number": f"{section_number}.", "title": group["text"], "appendix": "", "parent": 0})
            continue
        item = _PARENTHESISED.match(para)
        if item and section_number:
            target, unit = targets[(section_number, item["number"])]
            indicators.append({
                "section": len(sections) - 1, "ordinal": f"({item['number']})", "content": item["text"],
                "unit_of_measure": unit, "target": target, "lead": lead,
                "support": (support_by_section or {}).get(section_number, ""),
            })
    return sections, indicators


def year_targets(indicators, *, year, label):
    """Each indicator's target is its target for `year` (or for the stage ending then), under the words the
    document heads it with: the seeds give one target column, whose year the plan states elsewhere."""
    for row in indicators:
        row["targets"] = [{"year": year, "label": label, "target": row["target"]}] if row["target"] else []
    return indicators


def link_to_higher(tasks, sections, higher, *, minimum=0.5):
    """For each task, the item of the higher plan it mirrors: the most alike in the group of the same number.

    Writes `carries_out` as {"section": number, "ordinal": ordinal} (or None when nothing is alike
    enough); the seeds mirror their province plan group by group, item by item.
    """
    from .similarity import text_similarity

    for task in tasks:
        number = sections[task["section"]]["number"]
        candidates = [other for other in higher["tasks"]
                      if higher["sections"][other["section"]]["number"] == number]
        scored = sorted(((text_similarity(task["title"], other["title"]), other["ordinal"]) for other in candidates),
                        reverse=True)
        task["carries_out"] = ({"section": number, "ordinal": scored[0][1]}
                               if scored and scored[0][0] >= minimum else None)
    return tasks
