"""Rebuild fixtures/seed/plans/*.json from the seed documents in ../shared/seeds/."""
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from plans import seed_documents as sd
from plans.appendix import INDICATORS, TASKS

NQ57, NQ71, NQ11 = "57-NQ/TW", "71/NQ-CP", "11/NQ-CP"


def _read(seeds, name):
    return (seeds / name).read_text(encoding="utf-8")


def build(seeds):
    plans = []

    text = _read(seeds, "001_b46001e2e6873d4a.txt")
    sections, tasks = sd.lettered_tasks(
        sd.paragraphs(text, "## II. NHIỆM VỤ CỤ THỂ", "III. TỔ CHỨC THỰC HIỆN"),
        root_number="II.", root_title="NHIỆM VỤ CỤ THỂ", item_pattern=sd._LETTERED)
    plans.append({
        "slug": "dong-nai-182", "area": "dong-nai", "issuer": "UBND tỉnh Đồng Nai",
        "number": "182", "symbol": "KH-UBND", "issued": [2026, 4, 10], "status": "issued",
        "title": "Thực hiện Nghị quyết số 11/NQ-CP ngày 14 tháng 01 năm 2026 của Chính phủ sửa đổi, bổ sung, cập nhật Nghị quyết số 71/NQ-CP ngày 01 tháng 4 năm 2025 của Chính phủ sửa đổi, bổ sung, cập nhật Chương trình hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        "signer_name": "Lê Trường Sơn", "signer_title": "KT. Chủ tịch – Phó Chủ tịch",
        "implements_plan": None, "implements": [NQ11], "legal_basis": [NQ57, NQ71, NQ11], "replaces": "92/KH-UBND",
        "sections": sections, "indicators": [], "tasks": tasks,
    })

    text = _read(seeds, "000_6ad3d0c41abf2d29.txt")
    sections, tasks = sd.lettered_tasks(
        sd.paragraphs(text, "II. NHIỆM VỤ CỤ THỂ", "III. KINH PHÍ THỰC HIỆN"),
        root_number="II.", root_title="NHIỆM VỤ CỤ THỂ", item_pattern=sd._BULLET)
    sd.link_to_higher(tasks, sections, plans[0])
    plans.append({
        "slug": "phu-lam-11nq", "area": "phu-lam", "issuer": "UBND xã Phú Lâm",
        "number": "", "symbol": "KH-UBND", "issued": [2026, 4, None], "status": "draft",
        "title": "Thực hiện Nghị quyết số 11/NQ-CP ngày 14 tháng 01 năm 2026 của Chính phủ sửa đổi, bổ sung, cập nhật Nghị quyết số 71/NQ-CP ngày 01 tháng 4 năm 2025 của Chính phủ sửa đổi, bổ sung, cập nhật Chương trình hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia trên địa bàn xã Phú Lâm năm 2026",
        "signer_name": "Đỗ Xuân Hòa", "signer_title": "KT. Chủ tịch – Phó Chủ tịch",
        "implements_plan": "dong-nai-182", "implements": [NQ11], "legal_basis": [NQ11], "replaces": None,
        "sections": sections, "indicators": [], "tasks": tasks,
    })

    text = _read(seeds, "002_1e976a7448e8a5d4.txt")
    indicator_table = sd._table(text, "**PHỤ LỤC I**", "## PHỤ LỤC II", INDICATORS)
    task_table = sd._table(text, "## PHỤ LỤC II", None, TASKS)
    # Phụ lục I has no group rows: its indicators belong to no section, as an import of it gives.
    _, indicators = sd.appendix_data(indicator_table, appendix="I", section_offset=0)
    # Its "Kết quả" column states the targets of the term the plan carries out (55-KH/TU, "nhiệm kỳ 2025 – 2030",
    # as its title says): the stage ending in 2030.
    sd.year_targets(indicators, year=2030, label="Nhiệm kỳ 2025 – 2030")
    task_sections, tasks = sd.appendix_data(task_table, appendix="II", section_offset=0)
    plans.append({
        "slug": "phu-lam-55kh", "area": "phu-lam", "issuer": "UBND xã Phú Lâm",
        "number": "", "symbol": "KH-UBND", "issued": [2026, 4, None], "status": "draft",
        "title": "Triển khai Kế hoạch số 55-KH/TU ngày 11/02/2026 của Ban Chấp hành Đảng bộ tỉnh về thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Đồng Nai lần thứ I, nhiệm kỳ 2025 – 2030 về đột phá “Phát triển khoa học - công nghệ, đổi mới sáng tạo và chuyển đổi số; đẩy mạnh cải cách hành chính, xây dựng nền hành chính chuyên nghiệp, hiện đại, hiệu lực, hiệu quả”",
        "signer_name": "Đỗ Xuân Hòa", "signer_title": "KT. Chủ tịch – Phó Chủ tịch",
        "implements_plan": None, "implements": ["206/KH-UBND", "55-KH/TU"], "legal_basis": ["55-KH/TU"],
        "replaces": None, "sections": task_sections, "indicators": indicators, "tasks": tasks,
    })

    text = _read(seeds, "003_c47b2ea165f507a1.txt")
    sections, indicators = sd.prose_indicators(
        sd.paragraphs(text, "1. Mục tiêu (đến cuối năm 2026)", "2. Yêu cầu"),
        root_number="I.", root_title="MỤC TIÊU, YÊU CẦU – Mục tiêu (đến cuối năm 2026)", targets=sd.DAI_PHUOC_TARGETS,
        support_by_section={"1.1": "Sở Khoa học và Công nghệ, các doanh nghiệp Viễn thông"})
    for indicator in indicators:
        indicator["timeline"] = "Đến cuối năm 2026"  # "1. Mục tiêu (đến cuối năm 2026)"
    sd.year_targets(indicators, year=2026, label="Đến cuối năm 2026")
    task_sections, tasks = sd.lettered_tasks(
        sd.paragraphs(text, "II. NHIỆM VỤ TRỌNG TÂM NĂM 2026", "III. GIẢI PHÁP"),
        root_number="II.", root_title="NHIỆM VỤ TRỌNG TÂM NĂM 2026", item_pattern=sd._BULLET)
    offset = len(sections)
    for section in task_sections:
        section["parent"] = None if section["parent"] is None else section["parent"] + offset
    for task in tasks:
        task["section"] += offset
        task["timeline"] = "Năm 2026"
    plans.append({
        "slug": "dai-phuoc-2026", "area": "dai-phuoc",
        "issuer": "Ban Chỉ đạo về phát triển KH, CN, ĐMST, CĐS và Đề án 06 xã Đại Phước",
        "number": "", "symbol": "KH-BCĐ", "issued": [2026, None, None], "status": "draft",
        "title": "Triển khai thực hiện Kế hoạch số 3-KH/BCĐ ngày 08/4/2026 của Ban chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số Đảng ủy xã Đại Phước về Triển khai Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về “Đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia” trên địa bàn xã năm 2026",
        "signer_name": "Phan Chí Thảo", "signer_title": "KT. Trưởng ban – Phó Trưởng ban, Phó Chủ tịch UBND xã",
        "implements_plan": None, "implements": ["3-KH/BCĐ"],
        "legal_basis": [NQ57, NQ71, "17-TB/CQTTBCĐ", "469-KH/TU", "03-KH/BCĐ", "3-KH/BCĐ", "60/KH-UBND"],
        "replaces": None, "sections": sections + task_sections, "indicators": indicators, "tasks": tasks,
    })

    text = _read(seeds, "004_0639612d418ec4a4.txt")
    sections, tasks = sd.themed_tasks(
        sd.paragraphs(text, "III. NHIỆM VỤ VÀ GIẢI PHÁP", "IV. TỔ CHỨC THỰC HIỆN"),
        root_number="III.", root_title="NHIỆM VỤ VÀ GIẢI PHÁP")
    plans.append({
        "slug": "dan-tien-71nq", "area": "dan-tien", "issuer": "UBND xã Dân Tiến",
        "number": "", "symbol": "KH-UBND", "issued": [2025, 12, None], "status": "draft",
        "title": "Thực hiện Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ và Kế hoạch hành động số 15-KH/TU ngày 12/9/2025 của Ban Thường vụ Tỉnh ủy thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        "signer_name": "Hoàng Văn Thảo", "signer_title": "KT. Chủ tịch – Phó Chủ tịch",
        "implements_plan": None, "implements": [NQ71, "15-KH/TU"],
        "legal_basis": [NQ57, NQ71, "193/2025/QH15", "219/KH-UBND"], "replaces": None,
        "sections": sections, "indicators": [], "tasks": tasks,
    })
    return plans


class Command(BaseCommand):
    help = "Rebuild fixtures/seed/plans/*.json from the seed documents."

    def add_arguments(self, parser):
        parser.add_argument("--seeds", default=str(Path(settings.BASE_DIR).parent / "shared" / "seeds"))

    def handle(self, *args, seeds, **options):
        out = Path(settings.BASE_DIR) / "fixtures" / "seed" / "plans"
        out.mkdir(parents=True, exist_ok=True)
        for plan in build(Path(seeds)):
            path = out / f"{plan['slug']}.json"
            path.write_text(json.dumps(plan, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            self.stdout.write(f"{path.name}: {len(plan['sections'])} sections, "
                              f"{len(plan['indicators'])} indicators, {len(plan['tasks'])} tasks")
