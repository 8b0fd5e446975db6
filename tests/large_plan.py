"""A commune plan of many items, shaped like the seed plans (sections, lead and support units, long titles), for
the plan page's benchmark and its tests."""
from indicators.models import Indicator
from plans.models import Area, Plan, Section, Unit
from tasks.models import Task

WORDS = ("Triển khai hệ thống điều hành thông minh phục vụ chuyển đổi số của xã, bảo đảm kết nối liên thông "
         "dữ liệu với tỉnh và cung cấp dịch vụ công trực tuyến toàn trình cho người dân").split()


def large_plan(*, slug="large-plan", items=2000, sections=20, area=None):
    """A draft plan of `items` items (half indicators, half tasks) spread over `sections` sections, each item led
    by one unit and each task supported by another; returns (plan, its area's units)."""
    area = area or Area.objects.create(kind="commune", name=f"Xã {slug}", slug=f"{slug}-area")
    units = [Unit.objects.create(area=area, name=name, slug=f"{slug}-{index}")
             for index, name in enumerate(["Phòng Văn hóa - Xã hội", "Phòng Kinh tế"])]
    plan = Plan.objects.create(slug=slug, area=area, issuer=f"UBND {area.name}", title="Kế hoạch nhiều mục",
                               status="draft")
    heads = Section.objects.bulk_create([Section(plan=plan, number=f"{i}.", title=f"Nhóm nhiệm vụ {i}", position=i)
                                         for i in range(1, sections + 1)])
    half = items // 2
    # Item i sits in section i * sections // half: the sections in order, like a document.
    tasks = Task.objects.bulk_create([
        Task(plan=plan, section=heads[i * sections // half], position=i, ordinal=str(i + 1),
             title=" ".join(WORDS[: 20 + i % 10]), product="Báo cáo kết quả", timeline_text="Năm 2026")
        for i in range(half)])
    indicators = Indicator.objects.bulk_create([
        Indicator(plan=plan, section=heads[i * sections // half], position=i, ordinal=str(i + 1),
                  content=" ".join(WORDS[: 12 + i % 8]), unit_of_measure="%", target_text="≥ 80%",
                  target_comparator=">=", target_value=80)
        for i in range(half)])
    Task.lead_units.through.objects.bulk_create([Task.lead_units.through(task=t, unit=units[0]) for t in tasks])
    Task.support_units.through.objects.bulk_create([Task.support_units.through(task=t, unit=units[1]) for t in tasks])
    Indicator.lead_units.through.objects.bulk_create(
        [Indicator.lead_units.through(indicator=i, unit=units[0]) for i in indicators])
    return plan, units
