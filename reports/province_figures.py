"""The province dashboard's figures: computed for the request where that is quick, kept where it is slow.

Đồng Nai's 95 communes compute in about a tenth of a second, so its dashboard is always live.
A province of thousands of communes takes seconds: its figures are kept (`ProvinceFigures`) and a
leader reads them at once, with the time they were computed; once they are older than `FRESH_FOR`
the page asks a job for new ones (at most one at a time) and says so. The commune pages and the
item lists a dashboard figure links to are always live.
"""
import datetime
import time
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from config.jobs import enqueue_after_commit
from plans.models import Area

from .models import ProvinceFigures
from .province import commune_figures

SLOW_S = 0.3  # computing slower than this keeps a snapshot
FRESH_FOR = datetime.timedelta(minutes=2)
REFRESH_LOST_AFTER = datetime.timedelta(minutes=10)  # a requested refresh not done by then is asked for again


@dataclass
class Figures:
    communes: dict  # commune pk → `commune_figures` values
    computed_at: datetime.datetime | None = None  # None: computed for this request
    refreshing: bool = False


def province_figures(province, *, today):
    """The figures of every commune of `province` for `today`: kept ones when computing is slow."""
    kept = ProvinceFigures.objects.filter(province=province).first()
    if kept is None or kept.day != today:  # schedules move with the day: yesterday's figures are not shown
        return province_figures_compute(province, today=today, kept=kept is not None)
    communes = {int(pk): values for pk, values in kept.communes.items()}
    now = timezone.now()
    refreshing = now - kept.computed_at > FRESH_FOR and _refresh_request(kept, today, now)
    return Figures(communes, computed_at=kept.computed_at, refreshing=refreshing)


def province_figures_compute(province, *, today, kept=True):
    """Compute the figures now; keep them if that was slow, drop a kept copy (if `kept`) if it was not."""
    computed_at, started = timezone.now(), time.perf_counter()
    communes = commune_figures(Area.objects.filter(parent=province).exclude(kind=Area.Kind.PROVINCE).values("pk"),
                               today=today)
    seconds = time.perf_counter() - started
    if seconds >= SLOW_S:
        ProvinceFigures.objects.update_or_create(province=province, defaults={
            "day": today, "computed_at": computed_at, "seconds": seconds, "communes": communes,
            "refresh_requested_at": None})
    elif kept:
        ProvinceFigures.objects.filter(province=province).delete()
    return Figures(communes)


def province_figures_refresh(*, province_id, today=None):
    """The job: compute a province's figures again (they are kept only while computing stays slow)."""
    province = Area.objects.filter(pk=province_id, kind=Area.Kind.PROVINCE).first()
    if province is None:
        return None
    figures = province_figures_compute(province, today=today or timezone.localdate())
    return len(figures.communes)


def province_figures_refresh_kept(*, today=None):
    """The beat's sweep: every kept province whose figures are no longer fresh, so leaders rarely wait."""
    today = today or timezone.localdate()
    stale = ProvinceFigures.objects.filter(Q(day__lt=today) | Q(computed_at__lt=timezone.now() - FRESH_FOR))
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
