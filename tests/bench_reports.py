"""Report benchmarks, called from tests/bench.py: a commune's quarterly report and the province's consolidated one.

Each measurement runs in a forked child, so its peak memory (VmHWM) is its own.
"""
import multiprocessing
import sys
import time
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone


def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _measure(report_id, queue):
    """Gather the snapshot, then render PDF and .docx, timing each."""
    from django.db import connections

    for conn in connections.all():
        conn.close()  # the forked child opens its own connection
    from reports.documents import pdf_render
    from reports.documents.layout import document_build
    from reports.documents.word import docx_render
    from reports.models import Report
    from reports.snapshot import snapshot_gather

    report = Report.objects.select_related("area").get(pk=report_id)
    started, cpu_started = time.perf_counter(), time.process_time()
    report.snapshot = snapshot_gather(report)
    gathered, cpu_gathered = time.perf_counter(), time.process_time()
    doc = document_build(report)
    pdf = pdf_render(doc)
    pdf_cpu = time.process_time() - cpu_gathered
    docx = docx_render(doc)
    rendered, cpu_rendered = time.perf_counter(), time.process_time()
    # Before and after in the same run: the .docx built call by call through python-docx, as it was before its rows
    # and paragraphs were copied (the same bytes, reports/tests/test_docx_copies.py).
    docx_render(doc, copies=False)
    docx_before_cpu = time.process_time() - cpu_rendered
    queue.put({"gather": gathered - started, "render": rendered - gathered, "peak": peak_mb(),
               "cpu": cpu_rendered - cpu_started, "cpu_render": cpu_rendered - cpu_gathered,
               "cpu_pdf": pdf_cpu, "cpu_docx": cpu_rendered - cpu_gathered - pdf_cpu, "cpu_docx_before": docx_before_cpu,
               "pages": pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page"), "pdf_kb": len(pdf) / 1024,
               "docx_kb": len(docx) / 1024,
               "communes": len(report.snapshot["communes"] or []), "items": report.snapshot["totals"]["tasks"]
               + report.snapshot["totals"]["indicators"]})


def _run(report_id):
    sys.stdout.flush()
    connection.close()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_measure, args=(report_id, queue))
    child.start()
    result = queue.get(timeout=600)
    child.join()
    return result


def _print(label, r):
    total = r["gather"] + r["render"]
    print(f"report, {label}: {total:.2f} s (gathering {r['gather']:.2f} s, rendering PDF and .docx {r['render']:.2f} s, "
          f"ratio gathering/rendering {r['gather'] / r['render']:.2f}; CPU {r['cpu']:.2f} s of which rendering "
          f"{r['cpu_render']:.2f} s: PDF {r['cpu_pdf']:.2f} s, .docx {r['cpu_docx']:.2f} s, "
          f".docx call by call as before {r['cpu_docx_before']:.2f} s), peak memory {r['peak']:.0f} MB, "
          f"{r['items']} items{', %d communes' % r['communes'] if r['communes'] else ''}, "
          f"PDF {r['pdf_kb']:.0f} KB, .docx {r['docx_kb']:.0f} KB", flush=True)


def bench(province_slug):
    from plans.models import Area, Unit
    from reports import register
    from reports.documents import report_snapshot_take
    from reports.register import report_draft, report_issue

    # Only the measured runs render; the setup's drafting and issuing queue no job.
    with mock.patch.object(register, "job_start"):
        _bench(province_slug, Area, Unit, report_snapshot_take, report_draft, report_issue)


def _bench(province_slug, Area, Unit, report_snapshot_take, report_draft, report_issue):

    User = get_user_model()
    province = Area.objects.get(slug=province_slug)
    communes = list(province.children.order_by("slug"))
    office = Unit.objects.get_or_create(area=province, name="Sở Khoa học và Công nghệ",
                                        defaults={"slug": f"{province_slug}-so-khcn"})[0]
    # The province dashboard's bench may have made this leader already.
    province_leader = User.objects.get_or_create(username=f"{province_slug}-leader", defaults={"role": "leader"})[0]
    province_leader.units.add(office)
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1

    leaders = {}
    for commune in communes:
        leader = User(username=f"{commune.slug}-leader", role="leader")
        leaders[commune.id] = leader
    User.objects.bulk_create(leaders.values())
    units = {u.area_id: u for u in Unit.objects.filter(area__in=communes, is_culture_social_office=True)}
    User.units.through.objects.bulk_create([User.units.through(user_id=leaders[c.id].id, unit_id=units[c.id].id)
                                            for c in communes])

    first = report_draft(user=leaders[communes[0].id], area=communes[0], kind="quarterly", year=today.year,
                         number=quarter)
    _print("a commune's quarterly report", _run(first.pk))
    past_year, past_quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    past = report_draft(user=leaders[communes[1].id], area=communes[1], kind="quarterly", year=past_year,
                        number=past_quarter)
    _print("a commune's report for the past quarter (figures read from history at its cut-off)", _run(past.pk))

    started = time.perf_counter()
    reported = communes[: len(communes) // 2]
    for commune in reported:
        leader = User.objects.get(pk=leaders[commune.id].pk)
        report = first if commune == communes[0] else report_draft(
            user=leader, area=commune, kind="quarterly", year=today.year, number=quarter)
        report_snapshot_take(report.pk)
        report_issue(report_id=report.pk, user=leader)
    print(f"report setup: {len(reported)} of {len(communes)} communes drafted and issued their quarterly report "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    consolidated = report_draft(user=province_leader, area=province, kind="quarterly", year=today.year, number=quarter)
    _print(f"the province's consolidated report over {len(communes)} communes", _run(consolidated.pk))
