from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from plans.history import history_rows

from .models import Task


@login_required
def task_detail_view(request, pk):
    task = get_object_or_404(
        Task.objects.visible_to(request.user)
        .select_related("plan", "plan__area", "section", "officer", "carries_out")
        .prefetch_related("lead_units", "support_units"),
        pk=pk,
    )
    return render(request, "tasks/task_detail.html", {"task": task, "history": history_rows(task)})
