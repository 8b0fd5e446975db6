from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from plans.history import history_rows

from .models import Indicator


@login_required
def indicator_detail_view(request, pk):
    indicator = get_object_or_404(
        Indicator.objects.visible_to(request.user)
        .select_related("plan", "plan__area", "section", "contributes_to")
        .prefetch_related("lead_units", "support_units"),
        pk=pk,
    )
    return render(request, "indicators/indicator_detail.html", {"indicator": indicator, "history": history_rows(indicator)})
