"""A report as a document in the layout of Decree 30/2020, built from its snapshot alone.

Both renderers (PDF through WeasyPrint, .docx through python-docx) draw this one structure,
so the two files always say the same thing.
"""
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Area

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _evidence_label(state):
    return {"accepted": _("Đã chấp nhận"), "pending": _("Chờ thẩm định"), "rejected": _("Bị trả lại"),
            "none": _("Chưa có")}[state]


def _met_label(met):
    return {True: _("Đạt"), False: _("Chưa đạt"), None: "—"}[met]


def _percent(value):
    return "—" if value is None else f"{value}%"


def _header(report):
    area = report.area
    if area.kind == Area.Kind.PROVINCE:
        return [(_("UBND TỈNH %(name)s") % {"name": (area.name or "").upper()}, False),
                (_("SỞ KHOA HỌC VÀ CÔNG NGHỆ"), True)]
    return [(_("ỦY BAN NHÂN DÂN"), True), (f"{area.get_kind_display()} {area.name}".upper(), True)]


def _place_date(report):
    place = report.area.name or str(report.area)
    if report.issued_at:
        day = timezone.localtime(report.issued_at).date()
        return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
            "place": place, "day": f"{day.day:02d}", "month": f"{day.month:02d}", "year": day.year}
    today = timezone.localdate()
    return _("%(place)s, ngày     tháng %(month)s năm %(year)s") % {
        "place": place, "month": f"{today.month:02d}", "year": today.year}


def _summary(snapshot):
    t = snapshot["totals"]
    return [
        _("Tổng số nhiệm vụ: %(tasks)s, trong đó hoàn thành (minh chứng đã được chấp nhận): %(done)s.") % {
            "tasks": t["tasks"], "done": t["tasks_completed"]},
        _("Tổng số chỉ tiêu: %(indicators)s, trong đó đạt: %(met)s, chưa đạt: %(not_met)s.") % {
            "indicators": t["indicators"], "met": t["indicators_met"], "not_met": t["indicators_not_met"]},
        _("Tỷ lệ hoàn thành chung: %(completion)s%%.") % {"completion": t["completion"]},
        _("Minh chứng: %(accepted)s đã chấp nhận, %(pending)s chờ thẩm định, %(rejected)s bị trả lại.") % {
            "accepted": t["evidence_accepted"], "pending": t["evidence_pending"],
            "rejected": t["evidence_rejected"]},
        _("Cảnh báo đang mở: %(n)s.") % {"n": t["warnings"]},
    ]


def _plan_paragraphs(snapshot):
    paragraphs = []
    for plan in snapshot["plans"]:
        done = sum(1 for task in plan["tasks"] if task["status"] == "completed")
        met = sum(1 for indicator in plan["indicators"] if indicator["met"])
        paragraphs.append(_("Kế hoạch %(reference)s (%(title)s): %(tasks)s nhiệm vụ, %(done)s hoàn thành; "
                            "%(indicators)s chỉ tiêu, %(met)s đạt.") % {
            "reference": plan["reference"], "title": plan["title"][:200], "tasks": len(plan["tasks"]), "done": done,
            "indicators": len(plan["indicators"]), "met": met})
        for task in plan["tasks"]:
            for result in task["results"]:
                paragraphs.append(f"- {task['ordinal']}. {task['title'][:150]}: {result}")
    return paragraphs


def _communes_paragraphs(communes):
    on_time = sum(1 for row in communes if row["reported"] and row["on_time"])
    late = sum(1 for row in communes if row["reported"] and row["on_time"] is False)
    missing = [row["area"] for row in communes if not row["reported"]]
    paragraphs = [_("Số xã, phường: %(n)s; đã báo cáo đúng hạn: %(on_time)s; trễ hạn: %(late)s; chưa báo cáo: "
                    "%(missing)s. Xếp hạng chi tiết tại phụ lục kèm theo.") % {
        "n": len(communes), "on_time": on_time, "late": late, "missing": len(missing)}]
    if missing:
        paragraphs.append(_("Chưa báo cáo (số liệu lấy trực tiếp từ hệ thống): %(names)s.") % {
            "names": ", ".join(missing)})
    return paragraphs


def _difficulty_line(row, prefix=""):
    parts = []
    if row["difficulties"]:
        parts.append(_("Khó khăn: %(text)s") % {"text": row["difficulties"]})
    if row["proposals"]:
        parts.append(_("Kiến nghị: %(text)s") % {"text": row["proposals"]})
    if row["answer"]:
        parts.append(_("Ý kiến chỉ đạo: %(text)s (%(status)s)") % {"text": row["answer"], "status": row["status_label"]})
    return f"- {prefix}{'; '.join(parts)}."


def _difficulties_paragraphs(snapshot):
    by_unit = defaultdict(list)
    for row in snapshot["difficulties"]:
        by_unit[row["unit"] or _("Đơn vị khác")].append(row)
    paragraphs = []
    for unit, rows in by_unit.items():
        paragraphs.append(f"{unit}:")
        paragraphs += [_difficulty_line(row, f"{row['item'][:120]}: " if row["item"] else "") for row in rows]
    for commune in snapshot.get("communes") or []:
        if commune["difficulties"]:
            paragraphs.append(f"{commune['area']}:")
            paragraphs += [_difficulty_line(row) for row in commune["difficulties"]]
    return paragraphs or [_("Không có.")]


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
            rows.append({"section": _("Kế hoạch %(reference)s") % {"reference": plan["reference"]}})
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
                                   indicator["target"], indicator["current"] or "—", _met_label(indicator["met"]),
                                   indicator["status_label"], _evidence_label(indicator["evidence"])]})
    return {"title": _("KẾT QUẢ THỰC HIỆN CHỈ TIÊU"), "widths": [5, 35, 9, 12, 9, 8, 11, 11],
            "columns": [_("STT"), _("Chỉ tiêu"), _("Đơn vị tính"), _("Chỉ tiêu cần đạt"), _("Kết quả"),
                        _("Đánh giá"), _("Trạng thái"), _("Minh chứng")], "rows": rows}


def _communes_appendix(communes):
    rows = []
    for row in communes:
        t = row["totals"]
        reported = (f"{row['reference']} ({row['period']})" if row["reported"]
                    else _("Chưa báo cáo (số liệu trực tiếp)"))
        timeliness = {True: _("Đúng hạn"), False: _("Trễ hạn"), None: _("Chưa báo cáo")}[row["on_time"]]
        rows.append({"cells": [str(row["rank"]), row["area"], f"{t.get('tasks_completed', 0)}/{t.get('tasks', 0)}",
                               f"{t.get('indicators_met', 0)}/{t.get('indicators', 0)}", f"{t.get('completion', 0)}%",
                               str(t.get("warnings", 0)), reported, timeliness]})
    return {"title": _("XẾP HẠNG KẾT QUẢ THỰC HIỆN CỦA CÁC XÃ, PHƯỜNG"), "widths": [6, 20, 11, 11, 10, 8, 22, 12],
            "columns": [_("Hạng"), _("Xã, phường"), _("Nhiệm vụ hoàn thành"), _("Chỉ tiêu đạt"),
                        _("Tỷ lệ hoàn thành"), _("Cảnh báo"), _("Báo cáo"), _("Thời hạn báo cáo")], "rows": rows}


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


def document_build(report):
    """The document's parts, in order, as plain strings and tables."""
    snapshot = report.snapshot
    sections = [(_("KẾT QUẢ THỰC HIỆN"), _summary(snapshot) + _plan_paragraphs(snapshot))]
    communes = snapshot.get("communes")
    if communes is not None:
        sections.append((_("TÌNH HÌNH THỰC HIỆN VÀ BÁO CÁO CỦA CÁC XÃ, PHƯỜNG"), _communes_paragraphs(communes)))
    sections.append((_("CẢNH BÁO"), _warnings_paragraphs(snapshot)))
    sections.append((_("KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ"), _difficulties_paragraphs(snapshot)))
    sections.append((_("Ý KIẾN CHỈ ĐẠO ĐÃ TRẢ LỜI"),
                     [_difficulty_line(row, f"{row['unit']}: " if row["unit"] else "") for row in snapshot["directions"]]
                     or [_("Không có.")]))
    sections.append((_("ĐIỀU CHỈNH SỐ LIỆU CỦA KỲ ĐÃ KHÓA"),
                     [_late_change_line(change) for change in snapshot["late_changes"]] or [_("Không có.")]))
    appendices = [_task_appendix(snapshot), _indicator_appendix(snapshot)]
    if communes is not None:
        appendices.append(_communes_appendix(communes))
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
        "appendix_intro": _("(Kèm theo Báo cáo %(reference)s)") % {"reference": report.reference},
        "appendices": appendices,
        "recipients_title": _("Nơi nhận:"),
        "recipients": [line for line in report.distribution.splitlines() if line.strip()],
        "signature": report.signer_title.splitlines(),
        "signer_name": report.signer_name,
        "is_draft": not report.number,
    }


def _dmy(iso):
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"
