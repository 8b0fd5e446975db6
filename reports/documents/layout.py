"""A report as a document in the layout of Decree 30/2020, built from its snapshot alone.

Both renderers (PDF through WeasyPrint, .docx through python-docx) draw this one structure,
so the two files always say the same thing.
"""
import datetime
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from funding.report import funding_paragraphs
from plans.models import Area

from ..periods import MONTHS, add_months

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _evidence_label(state):
    return {"accepted": _("Đã chấp nhận"), "pending": _("Chờ thẩm định"), "rejected": _("Bị trả lại"),
            "none": _("Chưa có")}[state]


def _met_label(met):
    return {True: _("Đạt"), False: _("Chưa đạt"), None: "—"}[met]


def _target_cell(indicator):
    """The target applying at the cut-off; with targets by year, each year's, and the baseline (`Thực hiện năm
    2025: 45%`). Snapshots frozen before targets by year have the first alone."""
    years = indicator.get("targets") or []
    lines = [f"{label}: {text}" for label, text in years] if years else [indicator["target"]]
    baseline = indicator.get("baseline")
    if baseline:
        label = baseline[0] or _("Giá trị nền")  # outside the f-string, for makemessages to find
        lines.append(f"{label}: {baseline[1]}")
    return "\n".join(lines)


def _percent(value):
    return "—" if value is None else f"{value}%"


def decree30_date(year, month, day):
    """"ngày 07 tháng 12 năm 2026", "ngày 15 tháng 02 năm 2026": Decree 30/2020 pads days under 10 and
    months 1 and 2 with a zero, no other; a part not known is left as dots."""
    day = "…" if not day else f"{day:02d}"
    month = "…" if not month else (f"{month:02d}" if month <= 2 else str(month))
    return _("ngày %(day)s tháng %(month)s năm %(year)s") % {"day": day, "month": month, "year": year or "…"}


def words(text, limit):
    """`text` cut to at most `limit` characters at a word's end, never inside a word."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{cut}…"


def plan_name(plan):
    """A plan as a document cites it: by number, or, unnumbered, by its title and date."""
    if plan.get("number"):
        return _("Kế hoạch số %(reference)s (%(title)s)") % {"reference": plan["reference"], "title": plan["title"]}
    year, month, day = plan.get("issued") or (None, None, None)
    if year:
        return _("Kế hoạch %(title)s, %(date)s") % {"title": plan["title"], "date": decree30_date(year, month, day)}
    return _("Kế hoạch %(title)s") % {"title": plan["title"]}


def _header(report):
    area = report.area
    if area.kind == Area.Kind.PROVINCE:
        return [(_("UBND TỈNH %(name)s") % {"name": (area.name or "").upper()}, False),
                (_("SỞ KHOA HỌC VÀ CÔNG NGHỆ"), True)]
    if report.unit_id:  # a unit's report: the People's Committee above it, then the unit
        return [(f"UBND {area.get_kind_display()} {area.name}".upper(), False), (report.unit.name.upper(), True)]
    return [(_("ỦY BAN NHÂN DÂN"), True), (f"{area.get_kind_display()} {area.name}".upper(), True)]


def _issued_on(report):
    return timezone.localtime(report.issued_at).date() if report.issued_at else None


def _place_date(report):
    place = report.area.name or str(report.area)
    day = _issued_on(report)
    if day:
        return f"{place}, {decree30_date(day.year, day.month, day.day)}"
    today = timezone.localdate()
    month = f"{today.month:02d}" if today.month <= 2 else str(today.month)
    return _("%(place)s, ngày     tháng %(month)s năm %(year)s") % {"place": place, "month": month,
                                                                     "year": today.year}


def _counted(tasks):
    """The tasks a report counts: an item with sub-items is counted by them, not a second time itself."""
    return [task for task in tasks if not task.get("has_sub_items")]


def _figures(t, *, sub_items=False):
    return [
        _("Tổng số nhiệm vụ: %(tasks)s, trong đó hoàn thành (minh chứng đã được chấp nhận): %(done)s.") % {
            "tasks": t["tasks"], "done": t["tasks_completed"]} + (
            " " + _("(nhiệm vụ có nội dung con được tính theo từng nội dung con)") if sub_items else ""),
        _("Tổng số chỉ tiêu: %(indicators)s, trong đó đạt: %(met)s, chưa đạt: %(not_met)s, chưa có số liệu: "
          "%(no_data)s.") % {"indicators": t["indicators"], "met": t["indicators_met"],
                             "not_met": t["indicators_not_met"], "no_data": t.get("indicators_no_data", 0)},
        _("Tỷ lệ hoàn thành chung: %(completion)s%%.") % {"completion": t["completion"]},
        _("Minh chứng: %(accepted)s đã chấp nhận, %(pending)s chờ thẩm định, %(rejected)s bị trả lại.") % {
            "accepted": t["evidence_accepted"], "pending": t["evidence_pending"],
            "rejected": t["evidence_rejected"]},
        _("Cảnh báo đang mở: %(n)s.") % {"n": t["warnings"]},
    ]


def _summary(snapshot):
    if snapshot.get("communes") is None:
        return _figures(snapshot["totals"], sub_items=any(
            task.get("has_sub_items") for plan in snapshot["plans"] for task in plan["tasks"]))
    # The province's report: its communes added up, then the Sở's own plan beside them.
    communes = snapshot["communes"]
    return ([_("1. Tổng hợp %(n)s xã, phường (số liệu từ báo cáo của xã; xã chưa báo cáo lấy số liệu trên hệ thống "
               "tại ngày chốt):") % {"n": len(communes)}]
            + _figures(snapshot["communes_totals"])
            + [_("2. Kế hoạch của cấp tỉnh do Sở theo dõi:")] + _figures(snapshot["totals"]))


def _plan_paragraphs(snapshot):
    paragraphs = []
    for plan in snapshot["plans"]:
        tasks = _counted(plan["tasks"])
        done = sum(1 for task in tasks if task["status"] == "completed")
        met = sum(1 for indicator in plan["indicators"] if indicator["met"])
        paragraphs.append(_("%(plan)s: %(tasks)s nhiệm vụ, %(done)s hoàn thành; %(indicators)s chỉ tiêu, "
                            "%(met)s đạt.") % {
            "plan": plan_name(plan), "tasks": len(tasks), "done": done,
            "indicators": len(plan["indicators"]), "met": met})
        for task in plan["tasks"]:
            for result in task["results"]:
                paragraphs.append(f"- {task['ordinal']}. {task['title']}: {result}")
    return paragraphs


def _communes_paragraphs(communes):
    on_time = sum(1 for row in communes if row["reported"] and row["on_time"])
    late = sum(1 for row in communes if row["reported"] and row["on_time"] is False)
    missing = [row["area"] for row in communes if not row["reported"]]
    paragraphs = [_("Số xã, phường: %(n)s; đã báo cáo đúng hạn: %(on_time)s; trễ hạn: %(late)s; chưa báo cáo: "
                    "%(missing)s (mỗi xã xét theo kỳ báo cáo xã phải gửi). Chi tiết từng xã tại phụ lục kèm theo.") % {
        "n": len(communes), "on_time": on_time, "late": late, "missing": len(missing)}]
    if missing:
        paragraphs.append(_("Chưa báo cáo (số liệu lấy trực tiếp từ hệ thống): %(names)s.") % {
            "names": ", ".join(missing)})
    return paragraphs


def _commune_cells(t):
    return [f"{t.get('tasks_completed', 0)}/{t.get('tasks', 0)}", str(t.get("indicators_met", 0)),
            str(t.get("indicators_not_met", 0)), str(t.get("indicators_no_data", 0)),
            str(t.get("evidence_accepted", 0)), str(t.get("warnings", 0)), f"{t.get('completion', 0)}%"]


def _communes_appendix(communes, total):
    rows = []
    for row in communes:
        reported = (_("%(reference)s, ngày %(issued)s") % {"reference": row["reference"], "issued": _dmy(row["issued"])}
                    if row["reported"] else _("Chưa báo cáo"))
        timeliness = {True: _("Đúng hạn"), False: _("Trễ hạn"), None: _("Chưa báo cáo")}[row["on_time"]]
        if not row["reported"] and not row.get("owed", True):  # its periods all ended before its plan
            reported = timeliness = _("Không phải báo cáo kỳ này")
        rows.append({"cells": [str(row["rank"]), row["area"], row.get("owed", ""), reported, timeliness,
                               *_commune_cells(row["totals"])]})
    reported = sum(1 for row in communes if row["reported"])
    rows.append({"cells": ["", _("Cộng"), "", _("%(reported)s/%(n)s xã đã báo cáo") % {
        "reported": reported, "n": len(communes)}, "", *_commune_cells(total)]})
    return {"title": _("XẾP HẠNG KẾT QUẢ THỰC HIỆN CỦA CÁC XÃ, PHƯỜNG"), "widths": [5, 14, 11, 13, 8, 8, 6, 7, 7, 7, 7, 7],
            "columns": [_("Hạng"), _("Xã, phường"), _("Kỳ phải báo cáo"), _("Báo cáo"), _("Thời hạn"),
                        _("Nhiệm vụ hoàn thành"), _("Chỉ tiêu đạt"), _("Chỉ tiêu chưa đạt"), _("Chỉ tiêu chưa có số liệu"),
                        _("Minh chứng đã chấp nhận"), _("Cảnh báo"), _("Tỷ lệ hoàn thành")], "rows": rows}


def _difficulty_line(row, prefix="", parts=("difficulties", "proposals", "answer")):
    texts = []
    if "difficulties" in parts and row["difficulties"]:
        texts.append(_("Khó khăn: %(text)s") % {"text": row["difficulties"]})
    if "proposals" in parts and row["proposals"]:
        texts.append(_("Kiến nghị: %(text)s") % {"text": row["proposals"]})
    if "answer" in parts and row["answer"]:
        texts.append(_("Ý kiến chỉ đạo: %(text)s (%(status)s)") % {"text": row["answer"], "status": row["status_label"]})
    return f"- {prefix}{'; '.join(texts)}."


def _raised(snapshot):
    """(who raised it, row) for every difficulty of the report, the communes' included."""
    rows = [(row["unit"] or _("Đơn vị khác"), row) for row in snapshot["difficulties"]]
    for commune in snapshot.get("communes") or []:
        rows += [(f"{commune['area']} ({row['unit']})" if row["unit"] else commune["area"], row)
                 for row in commune["difficulties"]]
    return rows


def _difficulties_paragraphs(snapshot):
    """The difficulties alone: their proposals and answers are said once, under kiến nghị."""
    return [_difficulty_line(row, f"{who}: {row['item']}: " if row["item"] else f"{who}: ", ("difficulties",))
            for who, row in _raised(snapshot) if row["difficulties"]] or [_("Không có.")]


def _warnings_paragraphs(snapshot):
    counts = defaultdict(int)
    for warning in snapshot["warnings"]:
        counts[warning["label"]] += 1
    if not counts:
        return [_("Không có cảnh báo đang mở.")]
    return [f"- {label}: {n}" for label, n in counts.items()]


def _task_appendix(snapshot):
    rows, section, multi = [], None, len(snapshot["plans"]) > 1
    for plan in snapshot["plans"]:
        if not plan["tasks"]:
            continue
        if multi:
            rows.append({"section": plan_name(plan)})
        for task in plan["tasks"]:
            if task["section"] and task["section"] != section:
                rows.append({"section": task["section"]})
            section = task["section"]
            rows.append({"cells": [task["ordinal"], task["title"], task["lead"], task["timeline"],
                                   _percent(task["progress"]), _percent(task["expected"]), task["status_label"],
                                   _evidence_label(task["evidence"]), "; ".join(task["results"])]})
    return {"title": _("KẾT QUẢ THỰC HIỆN NHIỆM VỤ"), "widths": [5, 28, 13, 10, 6, 6, 9, 8, 15],
            "columns": [_("STT"), _("Nhiệm vụ"), _("Cơ quan chủ trì"), _("Thời gian"), _("Tiến độ"),
                        _("Lộ trình"), _("Trạng thái"), _("Minh chứng"), _("Kết quả trong kỳ")], "rows": rows}


def _indicator_appendix(snapshot):
    rows, section = [], None
    for plan in snapshot["plans"]:
        for indicator in plan["indicators"]:
            if indicator["section"] and indicator["section"] != section:
                rows.append({"section": indicator["section"]})
            section = indicator["section"]
            rows.append({"cells": [indicator["ordinal"], indicator["content"], indicator["unit_of_measure"],
                                   _target_cell(indicator), indicator["current"] or "—", _met_label(indicator["met"]),
                                   indicator["status_label"], _evidence_label(indicator["evidence"])]})
    return {"title": _("KẾT QUẢ THỰC HIỆN CHỈ TIÊU"), "widths": [5, 35, 9, 12, 9, 8, 11, 11],
            "columns": [_("STT"), _("Chỉ tiêu"), _("Đơn vị tính"), _("Chỉ tiêu cần đạt"), _("Kết quả"),
                        _("Đánh giá"), _("Trạng thái"), _("Minh chứng")], "rows": rows}


def _warnings_appendix(snapshot):
    return {"title": _("CẢNH BÁO ĐANG MỞ"), "widths": [20, 60, 20],
            "columns": [_("Loại"), _("Nội dung"), _("Phát sinh")],
            "rows": [{"cells": [w["label"], w["item"], w["raised"]]} for w in snapshot["warnings"]]}


def _late_change_line(change):
    if "value" in change:  # an indicator's figure
        return _("- Kỳ %(period)s (báo cáo %(report)s), chỉ tiêu %(item)s: kết quả %(value)s, lý do: %(reason)s "
                 "(%(author)s, %(at)s).") % change
    return _("- Kỳ %(period)s (báo cáo %(report)s), %(item)s: %(progress_before)s%% → %(progress_after)s%%, lý do: "
             "%(reason)s (%(author)s, %(at)s).") % change


# The sections of a People's Committee's report, each opened by the leader's narrative (snapshot["narrative"]).
NARRATIVE_SECTIONS = ("results", "shortcomings", "directions", "proposals")


def _behind(snapshot):
    return [(plan, task) for plan in snapshot["plans"] for task in plan["tasks"]
            if task["status"] != "completed" and task["expected"] is not None
            and (task["progress"] or 0) < task["expected"]]


def _shortcomings_paragraphs(snapshot):
    """Every task behind schedule and every indicator without data, by name, then the difficulties raised."""
    behind = _behind(snapshot)
    paragraphs = [_("Nhiệm vụ chậm so với lộ trình: %(n)s.") % {"n": len(behind)}]
    paragraphs += [_("- %(ordinal)s. %(title)s: tiến độ %(progress)s, lộ trình %(expected)s.") % {
        "ordinal": task["ordinal"], "title": task["title"], "progress": _percent(task["progress"] or 0),
        "expected": _percent(task["expected"])} for _plan, task in behind]
    no_data = [i for plan in snapshot["plans"] for i in plan["indicators"] if i["met"] is None]
    paragraphs.append(_("Chỉ tiêu chưa có số liệu: %(n)s.") % {"n": len(no_data)})
    paragraphs += [f"- {i['ordinal']}. {i['content']}" for i in no_data]
    paragraphs.append(_("Khó khăn, vướng mắc (nguyên nhân):"))
    paragraphs += _difficulties_paragraphs(snapshot)
    return paragraphs


def _next_period_paragraphs(report, snapshot):
    """The tasks not completed whose end falls in the next period, to be done by then."""
    cutoff = datetime.date.fromisoformat(snapshot["cutoff"])
    until = add_months(cutoff, MONTHS.get(report.kind, 3))
    due = [task for plan in snapshot["plans"] for task in plan["tasks"]
           if task["status"] != "completed" and task.get("ends_on")
           and cutoff < datetime.date.fromisoformat(task["ends_on"]) <= until]
    paragraphs = [_("Nhiệm vụ đến hạn từ ngày %(start)s đến ngày %(end)s: %(n)s.") % {
        "start": (cutoff + datetime.timedelta(days=1)).strftime("%d/%m/%Y"), "end": until.strftime("%d/%m/%Y"),
        "n": len(due)}]
    paragraphs += [_("- %(ordinal)s. %(title)s (%(lead)s, hạn %(end)s).") % {
        "ordinal": task["ordinal"], "title": task["title"], "lead": task["lead"] or "—",
        "end": _dmy(task["ends_on"])} for task in due]
    behind = _behind(snapshot)
    if behind:
        paragraphs.append(_("Tập trung đẩy nhanh %(n)s nhiệm vụ chậm so với lộ trình nêu tại mục II.") % {
            "n": len(behind)})
    return paragraphs


def _proposals_paragraphs(snapshot):
    """Each proposal once, with the answer it had at the cut-off; then the answers given in the period to
    proposals not listed above."""
    proposals = [(who, row) for who, row in _raised(snapshot) if row["proposals"]]
    paragraphs = [_difficulty_line(row, f"{who}: ", ("proposals", "answer")) for who, row in proposals]
    paragraphs = paragraphs or [_("Không có kiến nghị mới.")]
    listed = {row["id"] for _who, row in proposals}
    paragraphs.append(_("Ý kiến chỉ đạo đã trả lời trong kỳ:"))
    paragraphs += ([_difficulty_line(row, f"{row['unit']}: " if row["unit"] else "")
                    for row in snapshot["directions"] if row["id"] not in listed] or [_("Không có thêm.")])
    return paragraphs


def _narrated(snapshot, key, paragraphs):
    text = (snapshot.get("narrative") or {}).get(key, "").strip()
    return [line.strip() for line in text.splitlines() if line.strip()] + paragraphs


def document_build(report):
    """The document's parts, in order, as plain strings and tables: the sections People's Committees' reports
    use (results; shortcomings and their causes; directions for the next period; proposals)."""
    snapshot = report.snapshot
    communes = snapshot.get("communes")
    results = _summary(snapshot) + _plan_paragraphs(snapshot) + funding_paragraphs(snapshot.get("funding"))
    if communes is not None:
        results += [_("Tình hình thực hiện và báo cáo của các xã, phường:")] + _communes_paragraphs(communes)
    results += [_("Cảnh báo:")] + _warnings_paragraphs(snapshot)
    results += [_("Điều chỉnh số liệu của kỳ đã khóa:")] + (
        [_late_change_line(change) for change in snapshot["late_changes"]] or [_("Không có.")])
    sections = [
        (_("KẾT QUẢ THỰC HIỆN"), _narrated(snapshot, "results", results)),
        (_("TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"), _narrated(snapshot, "shortcomings", _shortcomings_paragraphs(snapshot))),
        (_("PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI"), _narrated(snapshot, "directions", _next_period_paragraphs(report, snapshot))),
        (_("KIẾN NGHỊ, ĐỀ XUẤT"), _narrated(snapshot, "proposals", _proposals_paragraphs(snapshot))),
    ]
    appendices = [_task_appendix(snapshot), _indicator_appendix(snapshot)]
    if communes is not None:
        appendices.append(_communes_appendix(communes, snapshot["communes_totals"]))
    if snapshot["warnings"]:
        appendices.append(_warnings_appendix(snapshot))
    appendices = [a for a in appendices if a["rows"]]
    for index, appendix in enumerate(appendices):
        appendix["label"] = _("Phụ lục %(n)s") % {"n": ROMAN[index]}
    return {
        "header": _header(report),
        "motto": (_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), _("Độc lập - Tự do - Hạnh phúc")),
        "number": _("Số: %(reference)s") % {"reference": report.reference if report.number
                                             else f"      /{report.symbol}"},
        "place_date": _place_date(report),
        "title": _("BÁO CÁO"),
        "subject": report.subject,
        "addressee": _("Kính gửi: %(addressee)s.") % {"addressee": report.addressee} if report.addressee else "",
        "intro": _("Số liệu tính từ ngày %(start)s đến ngày %(end)s (ngày chốt số liệu).") % {
            "start": _dmy(snapshot["window"][0]), "end": _dmy(snapshot["window"][1])},
        "sections": [(f"{ROMAN[i]}. {title}", paragraphs) for i, (title, paragraphs) in enumerate(sections)],
        "appendix_intro": _appendix_intro(report),
        "appendices": appendices,
        "recipients_title": _("Nơi nhận:"),
        "recipients": [line for line in report.distribution.splitlines() if line.strip()],
        "signature": report.signer_title.splitlines(),
        "signer_name": report.signer_name,
        "is_draft": not report.number,
    }


def _appendix_intro(report):
    """"(Kèm theo Báo cáo số 01/BC-UBND ngày 07/12/2026 của Ủy ban nhân dân xã Phú Lâm)"; a draft leaves
    the number and the day blank for the clerk."""
    day = _issued_on(report)
    return _("(Kèm theo Báo cáo số %(reference)s ngày %(date)s của %(issuer)s)") % {
        "reference": report.reference if report.number else f"      /{report.symbol}",
        "date": day.strftime("%d/%m/%Y") if day else "     /     /    ", "issuer": report.issuer}


def _dmy(iso):
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"
