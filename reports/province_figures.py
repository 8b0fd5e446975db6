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
import time
from dataclasses import dataclass

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


def _communes(province):
    return Area.objects.filter(parent=province).exclude(kind=Area.Kind.PROVINCE)


NEVER_COMPUTED = -1  # `ProvinceFigures.seconds` of the row a first request makes to claim the first computation


def province_figures(province, *, today):
    """The figures of every commune of `province` for `today`. A huge province's are never computed in the
    request: the last kept ones are shown with their time (yesterday's too) while a job computes new ones; before
    the first computation, none (`pending`)."""
    count = _communes(province).count()
    if count < KEPT_FROM_COMMUNES:
        return Figures(commune_figures(_communes(province).values("pk"), today=today))
    now = timezone.now()
    kept, _created = ProvinceFigures.objects.get_or_create(province=province, defaults={
        "day": today, "computed_at": now, "seconds": NEVER_COMPUTED, "communes": {}})
    pending = kept.seconds == NEVER_COMPUTED
    stale = pending or kept.day != today or now - kept.computed_at > FRESH_FOR
    refreshing = stale and _refresh_request(kept, today, now)
    if pending:
        return Figures({}, refreshing=refreshing, pending=True, communes_count=count,
                       requested_at=kept.refresh_requested_at or now)
    communes = {int(pk): values for pk, values in kept.communes.items()}
    return Figures(communes, computed_at=kept.computed_at, refreshing=refreshing, communes_count=count)


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
