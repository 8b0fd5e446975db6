"""Public pages (`/cong-khai/`): open to anyone, the same for everyone, so whole responses are cached."""
import csv
import io

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_page

from plans.models import Area

from . import selectors

cached = cache_page(settings.PUBLIC_CACHE_SECONDS, key_prefix="public")


@cached
def index_view(request):
    return render(request, "public/index.html", {"provinces": selectors.areas_listed()})


@cached
def area_view(request, slug):
    area = get_object_or_404(Area.objects.select_related("parent"), slug=slug)
    return render(request, "public/area.html", selectors.area_page(area))


@cached
def area_json_view(request, slug):
    area = get_object_or_404(Area.objects.select_related("parent"), slug=slug)
    response = JsonResponse(selectors.open_data(selectors.area_page(area)), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="cong-khai-{area.slug}.json"'
    return response


CSV_FIELDS = ["plan", "kind", "ordinal", "text", "lead_units", "timeline", "progress_percent", "status",
              "unit_of_measure", "target", "value", "met"]


@cached
def area_csv_view(request, slug):
    area = get_object_or_404(Area.objects.select_related("parent"), slug=slug)
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 with a byte-order mark as UTF-8
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    writer.writerows(selectors.item_rows(selectors.area_page(area)))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cong-khai-{area.slug}.csv"'
    return response
