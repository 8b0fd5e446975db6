"""The demo's people and its "Phân công nhiệm vụ": an officer for every lead unit, and the six clears named for
most items, with a few gaps left for the six-clears check to show.

The seeds name no lead unit, officer, product, time or authority for most items, and the fixtures stay
faithful to them. The demo workbooks (`build_demo_assignments` writes them from `demo_rows`) fill what a
seed leaves blank and never overwrite what it states.
"""
from itertools import cycle

from people.services import DEMO_USERS

from ..text import fold

# (username, role, area slug, unit name, full name): officers of the lead units DEMO_USERS leaves without one,
# the Đồng Nai reviewer of the province plan's evidence, and the demo province's focal office.
DEMO_PEOPLE = [
    ("dongnai-reviewer", "reviewer", "dong-nai", "Sở Khoa học và Công nghệ", "Thẩm định viên Sở KH&CN"),
    ("phulam-vanphong", "officer", "phu-lam", "Văn phòng HĐND & UBND xã", "Cán bộ Văn phòng HĐND & UBND xã Phú Lâm"),
    ("phulam-hcc", "officer", "phu-lam", "Trung tâm phục vụ hành chính công xã", "Cán bộ Trung tâm PVHCC xã Phú Lâm"),
    ("phulam-congan", "officer", "phu-lam", "Công an xã", "Cán bộ Công an xã Phú Lâm"),
    ("phulam-yte", "officer", "phu-lam", "Trạm y tế", "Cán bộ Trạm y tế xã Phú Lâm"),
    ("phulam-truonghoc", "officer", "phu-lam", "Các trường học", "Cán bộ phụ trách các trường học xã Phú Lâm"),
    ("daiphuoc-vanphong", "officer", "dai-phuoc", "Văn phòng HĐND-UBND xã", "Cán bộ Văn phòng HĐND-UBND xã Đại Phước"),
    ("daiphuoc-congan", "officer", "dai-phuoc", "Công an xã", "Cán bộ Công an xã Đại Phước"),
    ("daiphuoc-danguy", "officer", "dai-phuoc", "Văn phòng Đảng ủy xã", "Cán bộ Văn phòng Đảng ủy xã Đại Phước"),
    ("minhhoa-leader", "leader", "tinh-cua-dan-tien", "Sở Khoa học và Công nghệ", "Lãnh đạo Sở KH&CN tỉnh Minh họa"),
]
# The heads of the units that report to their commune's People's Committee (reports.register.SEED_UNIT_REPORTS):
# a leader who is a member of the unit confirms its figures before its report is issued. Usernames sort after the
# commune's own leader, who stays the one the demo's commune reports are drafted by.
UNIT_HEADS = [
    ("phu-lam", "phulam", "Phú Lâm", [
        ("kinhte", "Phòng Kinh tế", "Trưởng phòng Kinh tế"),
        ("vanphong", "Văn phòng HĐND & UBND xã", "Chánh Văn phòng HĐND & UBND"),
        ("congan", "Công an xã", "Trưởng Công an"),
        ("hcc", "Trung tâm phục vụ hành chính công xã", "Giám đốc Trung tâm phục vụ hành chính công"),
        ("yte", "Trạm y tế", "Trưởng Trạm y tế"),
        ("truonghoc", "Các trường học", "Hiệu trưởng đại diện các trường học")]),
    ("dan-tien", "dantien", "Dân Tiến", [
        ("kinhte", "Phòng Kinh tế", "Trưởng phòng Kinh tế"),
        ("truonghoc", "Các trường học", "Hiệu trưởng đại diện các trường học"),
        ("congan", "Công an xã", "Trưởng Công an")]),
]
DEMO_PEOPLE += [(f"{prefix}-truong-{short}", "leader", area, unit, f"{title} xã {commune}")
                for area, prefix, commune, heads in UNIT_HEADS for short, unit, title in heads]

# Đại Phước's targets go to the unit whose field they name (folded words), else to the Culture-Social office.
TARGET_UNITS = [
    (("dang uy",), "Văn phòng Đảng ủy xã"),
    (("5g", "bang rong", "ngan sach", "kinh te so", "hop tac xa", "ho kinh doanh", "doanh nghiep", "ocop",
      "tien mat", "ngan hang", "tien bo"), "Phòng Kinh tế"),
    (("thu tuc hanh chinh", "dich vu cong", "ho so", "van ban", "dieu hanh", "moi truong dien tu", "dti",
      "du lieu mo", "giao dich hanh chinh"), "Văn phòng HĐND-UBND xã"),
    (("vneid", "dinh danh", "chu ky so", "an toan thong tin"), "Công an xã"),
]
TELECOMS = "Các doanh nghiệp viễn thông"

PRODUCTS = [
    (("tuyen truyen", "truyen thong", "pho bien"), "Tin, bài tuyên truyền; báo cáo kết quả tuyên truyền"),
    (("dao tao", "boi duong", "tap huan", "ky nang so"), "Danh sách học viên; báo cáo kết quả bồi dưỡng"),
    (("de an",), "Đề án được cấp có thẩm quyền phê duyệt"),
    (("ke hoach",), "Kế hoạch được ban hành"),
    (("ra soat",), "Báo cáo kết quả rà soát"),
    (("du lieu",), "Cơ sở dữ liệu được cập nhật, đưa vào khai thác"),
    (("kiem tra", "giam sat"), "Báo cáo kết quả kiểm tra, giám sát"),
]
TASK_PRODUCT = "Báo cáo kết quả thực hiện kèm văn bản, hình ảnh minh chứng"
INDICATOR_PRODUCT = "Báo cáo số liệu chỉ tiêu kèm bảng tổng hợp có xác nhận"
# A commune office's timelines, in turn: some ended this year (completed, or overdue), some running, a few later.
TIMELINES = ["Quý I/2026", "Năm 2026", "Thường xuyên", "6 tháng đầu năm 2026", "Năm 2026", "Quý II/2026",
             "Quý III/2026", "Năm 2026", "Thường xuyên", "Quý IV/2026", "Giai đoạn 2026-2027", "Năm 2026"]
# Every GAP_EVERY-th item leaves one of these blank (in turn), so the six-clears check has gaps to show.
GAPS = ["authority", "product", "timeline", "officer"]
GAP_EVERY = 16


def demo_officers():
    """{(area slug, unit name): username} of the first demo officer of each unit."""
    officers = {}
    for username, role, area, unit, _name in [*DEMO_USERS, *DEMO_PEOPLE]:
        if role == "officer":
            officers.setdefault((area, unit), username)
    return officers


def _pick(table, text, default):
    folded = fold(text)
    return next((value for words, value in table if any(word in folded for word in words)), default)


def _authority(plan, is_task):
    if plan.area.kind == "province":
        return "Giám đốc Sở Khoa học và Công nghệ" if is_task else "UBND tỉnh"
    return "Chủ tịch UBND xã" if is_task else "Phó Chủ tịch UBND xã phụ trách khoa học, công nghệ"


def demo_rows(plan, items):
    """{item: [lead, support, officer, product, timeline, authority]} for the demo workbook of a plan: what the
    seed states kept, the rest filled, every GAP_EVERY-th item with one gap. `items` in the workbook's order,
    with units and officer loaded."""
    officers = demo_officers()
    area = plan.area.slug
    own = [unit for (unit_area, unit) in officers if unit_area == area]
    turns = cycle([unit for unit in own if unit in ("Phòng Văn hóa - Xã hội", "Phòng Kinh tế")] or own)
    gaps = cycle(GAPS)
    rows = {}
    for index, item in enumerate(items):
        is_task = item.END_FIELD == "ends_on"
        leads = [unit.name for unit in item.lead_units.all()]
        supports = [unit.name for unit in item.support_units.all()]
        if not leads:
            if plan.slug == "dai-phuoc-2026" and not is_task:
                leads = [_pick(TARGET_UNITS, item.title, "Phòng Văn hóa - Xã hội")]
                if leads == ["Phòng Kinh tế"] and any(w in fold(item.title) for w in ("5g", "bang rong")):
                    supports = supports or [TELECOMS]
            else:
                leads = [next(turns)]
        officer = item.officer.username if item.officer else next(
            (officers[(area, unit)] for unit in leads if (area, unit) in officers), "")
        product = item.product or _pick(PRODUCTS, item.title, TASK_PRODUCT if is_task else INDICATOR_PRODUCT)
        # An indicator's time stays what its seed says: the appendix workbook does not carry it back and forth.
        timeline = item.timeline_text or (TIMELINES[index % len(TIMELINES)] if is_task else "")
        authority = item.authority or _authority(plan, is_task)
        cells = {"officer": officer, "product": product, "timeline": timeline, "authority": authority}
        if index % GAP_EVERY == GAP_EVERY // 2:
            gap = next(gaps)
            # Only a field the seed leaves blank: what a seed states stays.
            if not {"officer": item.officer_id, "product": item.product, "timeline": item.timeline_text,
                    "authority": item.authority}[gap]:
                cells[gap] = ""
        rows[item] = [", ".join(leads), ", ".join(supports), cells["officer"], cells["product"], cells["timeline"],
                      cells["authority"]]
    return rows
