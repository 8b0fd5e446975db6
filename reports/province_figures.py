"""The province dashboard's figures: computed for the request in a province of ordinary size, kept for a huge one.

Đồng Nai's 95 communes compute in about a tenth of a second, so its dashboard is always live. At
thousands of communes (the national scale) computing takes seconds: the figures are kept
(`ProvinceFigures`) and a leader reads them at once, with the time they were computed; once they
are older than `FRESH_FOR` the page asks a job for new ones (at most one at a time) and says so.
Nothing is computed in the request: before the first computation the page says the figures are being
computed, and yesterday's kept figures are shown, with their time, until the job has today's.
The commune pages and the item lists a dashboard figure links to are always live.
"""
import datetime
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from config.jobs import enqueue_after_commit
from plans.models import Area

from .models import ProvinceFigures
from .province import commune_figures

# From this many communes the figures are kept: 3,400 take about 2 s to compute, 95 about 0.1 s.
# A count, not a measured time, so that the same province always behaves the same way.
KEPT_FROM_COMMUNES = 500
FRESH_FOR = datetime.timedelta(minutes=2)
REFRESH_LOST_AFTER = datetime.timedelta(minutes=10)  # a requested refresh not done by then is asked for again


@dataclass
class Figures:
    communes: dict  # commune pk → `commune_figures` values
    computed_at: datetime.datetime | None = None  # None: computed for this request (or not yet computed: pending)
    refreshing: bool = False
    pending: bool = False  # nothing kept yet: a job is computing the first figures
    requested_at: datetime.datetime | None = None  # when that job was asked for
    communes_count: int = 0


def kept_for(communes):
    """Whether a province of this many communes has its figures kept (computed by jobs, never in a request)."""
    return communes >= KEPT_FROM_COMMUNES


def _communes(province):
    return Area.objects.filter(parent=province).exclude(kind=Area.Kind.PROVINCE)


NEVER_COMPUTED = -1  # `ProvinceFigures.seconds` of the row a first request makes to claim the first computation


def province_figures(province, *, today):
    """The figures of every commune of `province` for `today`. A huge province's are never computed in the
    request: the last kept ones are shown with their time (yesterday's too) while a job computes new ones; before
    the first computation, none (`pending`)."""
    count = _communes(province).count()
    if not kept_for(count):
        return Figures(commune_figures(_communes(province).values("pk"), today=today))
    now = timezone.now()
    kept, _created = ProvinceFigures.objects.defer("communes").get_or_create(province=province, defaults={
        "day": today, "computed_at": now, "seconds": NEVER_COMPUTED, "communes": {}})
    pending = kept.seconds == NEVER_COMPUTED
    stale = pending or kept.day != today or now - kept.computed_at > FRESH_FOR
    refreshing = stale and _refresh_request(kept, today, now)
    if pending:
        return Figures({}, refreshing=refreshing, pending=True, communes_count=count,
                       requested_at=kept.refresh_requested_at or now)
    return Figures(_decoded(kept), computed_at=kept.computed_at, refreshing=refreshing, communes_count=count)


# Province pk → (computed_at, figures): each process reads and decodes a computation's figures (megabytes of
# JSON at 3,400 communes, most of a page's time) once, not on every view. Nothing changes them once read.
_DECODED = {}


def _decoded(kept):
    cached = _DECODED.get(kept.province_id)
    if cached is None or cached[0] != kept.computed_at:
        communes = ProvinceFigures.objects.filter(pk=kept.pk).values_list("communes", flat=True).first() or {}
        cached = _DECODED[kept.province_id] = (kept.computed_at, {int(pk): values for pk, values in communes.items()})
    return cached[1]


def province_figures_compute(province, *, today):
    """Compute a huge province's figures now and keep them."""
    computed_at, started = timezone.now(), time.perf_counter()
    communes = commune_figures(_communes(province).values("pk"), today=today)
    ProvinceFigures.objects.update_or_create(province=province, defaults={
        "day": today, "computed_at": computed_at, "seconds": time.perf_counter() - started, "communes": communes,
        "refresh_requested_at": None})
    return Figures(communes, computed_at=computed_at)


def province_figures_refresh(*, province_id, today=None):
    """The job: compute a province's kept figures again; drop them if it is no longer huge."""
    province = Area.objects.filter(pk=province_id, kind=Area.Kind.PROVINCE).first()
    if province is None:
        return None
    if _communes(province).count() < KEPT_FROM_COMMUNES:
        ProvinceFigures.objects.filter(province=province).delete()
        return 0
    return len(province_figures_compute(province, today=today or timezone.localdate()).communes)


def province_figures_refresh_kept(*, today=None):
    """The beat's sweep: every kept province whose figures are no longer fresh, so leaders rarely wait."""
    today = today or timezone.localdate()
    stale = ProvinceFigures.objects.filter(Q(day__lt=today) | Q(computed_at__lt=timezone.now() - FRESH_FOR)
                                           | Q(seconds=NEVER_COMPUTED))
    return sum(1 for province_id in stale.values_list("province_id", flat=True)
               if province_figures_refresh(province_id=province_id, today=today) is not None)


def _refresh_request(kept, today, now):
    """Ask a job for new figures unless one was asked for lately; True while one is on its way."""
    claimed = ProvinceFigures.objects.filter(pk=kept.pk).filter(
        Q(refresh_requested_at__isnull=True) | Q(refresh_requested_at__lt=now - REFRESH_LOST_AFTER),
    ).update(refresh_requested_at=now)
    if claimed:
        enqueue_after_commit("reports.refresh_province_figures", kept.province_id, today.isoformat(),
                             on_refused=lambda: ProvinceFigures.objects.filter(pk=kept.pk).update(
                                 refresh_requested_at=None))
    return True


# Kept files: the province's scorecards, followed-down rollups and workbooks, written by jobs, read by the web ----
# Files under MEDIA_ROOT (never served; shared by the web and the worker as evidence files are), so a job in
# another process hands its result to the page without a model of its own.

def kept_path(name):
    folder = Path(settings.MEDIA_ROOT) / "kept"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


_READ = {}  # path → (version, values): a kept file, replaced whole on each write, is decoded once a process


def kept_read(name):
    """The values kept under `name`, or None. Shared between requests: never change them, copy."""
    path = kept_path(f"{name}.json")
    try:
        stat = os.stat(path)
        version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)  # an inode alone is reused once freed
        cached = _READ.get(path)
        if cached is None or cached[0] != version:
            cached = _READ[path] = (version, json.loads(path.read_text(encoding="utf-8")))
        return cached[1]
    except (FileNotFoundError, ValueError):
        return None


def kept_replace(path, data):
    """Write a whole file at once: a reader sees the old content or the new, never half of it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def kept_write(name, values):
    kept_replace(kept_path(f"{name}.json"), json.dumps(values, default=str).encode())
    return values


def _now():
    return timezone.now().isoformat()


def _age(stamp):
    if not stamp:
        return None
    return timezone.now() - datetime.datetime.fromisoformat(stamp)


def kept_fresh(kept, *, fresh_for, today):
    age = _age((kept or {}).get("computed_at"))
    return age is not None and age <= fresh_for and kept.get("day") == today.isoformat()


def kept_or_refresh(name, *, today, fresh_for, job, args):
    """The values kept under `name` (None before the first computation) and whether a refresh is on its way: a job
    (`job`, `args`) is asked for new ones when they are older than `fresh_for` or of another day, at most once in
    REFRESH_LOST_AFTER. The page never computes them itself."""
    kept = kept_read(name) or {}
    if kept_fresh(kept, fresh_for=fresh_for, today=today):
        return kept, False
    requested = _age(kept.get("refresh_requested_at"))
    if requested is None or requested > REFRESH_LOST_AFTER:
        kept_write(name, {**kept, "refresh_requested_at": _now()})
        enqueue_after_commit(job, *args, on_refused=lambda: kept_write(name, {**kept, "refresh_requested_at": None}))
    return (kept if "computed_at" in kept else None), True


def kept_compute(name, compute, *, today):
    """Compute values (a dict) now and keep them under `name` with their time; a job calls this."""
    started, computed_at = time.perf_counter(), _now()
    values = compute()
    return kept_write(name, {**values, "computed_at": computed_at, "day": today.isoformat(),
                             "seconds": time.perf_counter() - started})


# A province plan followed down to a huge province's communes -------------------------------------------------------

FOLLOWED_FRESH_FOR = datetime.timedelta(minutes=5)


def followed_down_kept(plan, *, today):
    """The kept rollups of a province plan over all its communes (None before the first computation), and
    whether a job is computing new ones."""
    return kept_or_refresh(f"followed-down-{plan.pk}", today=today, fresh_for=FOLLOWED_FRESH_FOR,
                           job="reports.refresh_followed_down", args=(plan.pk, today.isoformat()))


def followed_down_keep(*, plan_id, today=None):
    """The job: add up the communes' items carrying out a province plan and keep the rollups."""
    from plans.models import Plan

    from .province import followed_down_rollups

    plan = Plan.objects.filter(pk=plan_id, area__kind=Area.Kind.PROVINCE).select_related("area").first()
    if plan is None:
        return None
    today = today or timezone.localdate()
    kept = kept_compute(f"followed-down-{plan.pk}", lambda: followed_down_rollups(
        plan, _communes(plan.area).values("pk"), today=today), today=today)
    return len(kept["tasks"])
