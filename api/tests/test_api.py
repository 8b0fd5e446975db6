"""The read API against the demo: every endpoint refuses without a valid token, and a token reads exactly what a
person of its area reads on the pages (Phú Lâm: its own plans and Đồng Nai's issued ones; never Đại Phước's)."""
import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiToken
from api.services import token_create, token_revoke
from indicators.models import Indicator, IndicatorReport
from plans.models import Plan
from reports.models import Report, Warning
from tasks.models import ProgressUpdate, Task

pytestmark = pytest.mark.django_db

RESOURCES = ["areas", "units", "plans", "tasks", "indicators", "progress-updates", "indicator-reports", "reports",
             "warnings"]
ENDPOINTS = [f"/api/v1/{name}/" for name in RESOURCES]


@pytest.fixture
def tokens(users):
    """A token per area, issued by its admin: {area slug: plain token}."""
    made = {}
    for slug, admin in [("phu-lam", "phulam-admin"), ("dai-phuoc", "daiphuoc-admin"), ("dong-nai", "dongnai-admin")]:
        area_id = users[admin].units.get(area__slug=slug).area_id
        made[slug] = token_create(user=users[admin], area_id=area_id, name=f"Khóa {slug}")[1]
    return made


def _get(client, url, token=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.get(url, **headers)


def _walk(client, url, token):
    """Every row of a list, following the cursor's next links."""
    rows, seen_urls = [], 0
    while url:
        response = _get(client, url, token)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        url = body["next"]
        seen_urls += 1
        assert seen_urls < 200
    return rows


def _one_of(model, slug_path, slug):
    return model.objects.filter(**{slug_path: slug}).order_by("pk").first()


def test_schema_is_valid_openapi(client, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")
    for endpoint in ENDPOINTS:
        assert f"{endpoint}:".encode() in response.content
        assert f"{endpoint}{{id}}/:".encode() in response.content


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_unknown_or_revoked_token_reads_nothing(client, users, tokens, endpoint):
    assert _get(client, endpoint).status_code == 401
    assert _get(client, endpoint).headers["WWW-Authenticate"] == "Bearer"
    assert _get(client, endpoint, "pk57_not-a-token").status_code == 401
    assert _get(client, endpoint, tokens["phu-lam"]).status_code == 200
    token = ApiToken.objects.get(area__slug="phu-lam")
    token_revoke(user=users["phulam-admin"], token_id=token.pk)
    response = _get(client, endpoint, tokens["phu-lam"])
    assert response.status_code == 401
    assert "thu hồi" in response.json()["detail"]
    # signed in on the portal is not a token: the API reads bearer tokens only
    client.force_login(users["phulam-admin"])
    assert client.get(endpoint).status_code == 401


def test_only_get(client, tokens):
    response = client.post("/api/v1/plans/", {}, HTTP_AUTHORIZATION=f"Bearer {tokens['phu-lam']}")
    assert response.status_code == 405


def _area_of(resource, row):
    return row["slug"] if resource == "areas" else row["area"]


# Phú Lâm's token: Phú Lâm's rows and its province's (issued plans and their items); Đại Phước's never.
EXPECTED_AREAS = {
    "areas": {"phu-lam", "dong-nai"}, "units": {"phu-lam", "dong-nai"}, "plans": {"phu-lam", "dong-nai"},
    "tasks": {"phu-lam", "dong-nai"}, "indicators": {"phu-lam", "dong-nai"},
    "progress-updates": {"phu-lam", "dong-nai"}, "indicator-reports": {"phu-lam", "dong-nai"},
    "reports": {"phu-lam"}, "warnings": {"phu-lam"},
}


@pytest.mark.parametrize("resource", RESOURCES)
def test_phu_lam_token_reads_phu_lam_and_its_province_issued_plans(client, tokens, resource):
    rows = _walk(client, f"/api/v1/{resource}/?page_size=500", tokens["phu-lam"])
    areas = {_area_of(resource, row) for row in rows}
    assert "phu-lam" in areas
    assert areas <= EXPECTED_AREAS[resource], areas
    assert "dai-phuoc" not in areas
    if resource == "plans":
        province = [row for row in rows if row["area"] == "dong-nai"]
        assert province and all(row["status"] != "draft" for row in province)


def test_province_draft_stays_with_the_province(client, tokens):
    draft = Plan.objects.filter(area__slug="dong-nai").first()
    Plan.objects.filter(pk=draft.pk).update(status="draft")
    assert _get(client, f"/api/v1/plans/{draft.pk}/", tokens["phu-lam"]).status_code == 404
    assert _get(client, f"/api/v1/plans/{draft.pk}/", tokens["dong-nai"]).status_code == 200


DETAILS = [
    ("plans", lambda: _one_of(Plan, "area__slug", "phu-lam")),
    ("tasks", lambda: _one_of(Task, "plan__area__slug", "phu-lam")),
    ("indicators", lambda: _one_of(Indicator, "plan__area__slug", "phu-lam")),
    ("progress-updates", lambda: _one_of(ProgressUpdate, "task__plan__area__slug", "phu-lam")),
    ("indicator-reports", lambda: _one_of(IndicatorReport, "indicator__plan__area__slug", "phu-lam")),
    ("reports", lambda: _one_of(Report, "area__slug", "phu-lam")),
    ("warnings", lambda: _one_of(Warning, "task__plan__area__slug", "phu-lam")),
]


@pytest.mark.parametrize("resource, row", DETAILS)
def test_another_area_token_gets_nothing(client, tokens, resource, row):
    row = row()
    assert row is not None, f"the demo has a {resource} row of Phú Lâm"
    url = f"/api/v1/{resource}/{row.pk}/"
    assert _get(client, url, tokens["phu-lam"]).status_code == 200
    assert _get(client, url, tokens["dong-nai"]).status_code == 200  # the province follows its communes
    assert _get(client, url, tokens["dai-phuoc"]).status_code == 404
    listed = _walk(client, f"/api/v1/{resource}/?page_size=500", tokens["dai-phuoc"])
    assert row.pk not in {item["id"] for item in listed}


def test_etag_and_if_none_match(client, tokens):
    first = _get(client, "/api/v1/plans/?area=phu-lam", tokens["phu-lam"])
    assert first.status_code == 200 and first.headers["ETag"]
    again = _get(client, "/api/v1/plans/?area=phu-lam", tokens["phu-lam"], HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert again.status_code == 304 and again.content == b""
    plan = Plan.objects.filter(area__slug="phu-lam").first()
    Plan.objects.filter(pk=plan.pk).update(title=plan.title + " (sửa)")
    changed = _get(client, "/api/v1/plans/?area=phu-lam", tokens["phu-lam"], HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize("resource, row", [(resource, None) for resource in RESOURCES] + DETAILS,
                         ids=[f"{resource}-list" for resource in RESOURCES] + [f"{name}-detail" for name, _ in DETAILS])
def test_every_resource_answers_if_none_match(client, tokens, resource, row):
    url = f"/api/v1/{resource}/" + (f"{row().pk}/" if row else "?area=phu-lam")
    first = _get(client, url, tokens["phu-lam"])
    assert first.status_code == 200 and first.headers["ETag"].startswith('"')
    again = _get(client, url, tokens["phu-lam"], HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert again.status_code == 304 and again.content == b""
    other = _get(client, url, tokens["phu-lam"], HTTP_IF_NONE_MATCH='"another"')
    assert other.status_code == 200 and other.content == first.content


def test_cursor_pagination_walks_every_row_once(client, tokens):
    rows = _walk(client, "/api/v1/tasks/?area=phu-lam&page_size=7", tokens["phu-lam"])
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(Task.objects.filter(plan__area__slug="phu-lam").values_list("pk", flat=True))
    assert len(ids) > 7 * 3


@pytest.mark.parametrize("resource", RESOURCES)
def test_list_pages_cost_a_fixed_number_of_queries(client, tokens, resource):
    _get(client, f"/api/v1/{resource}/", tokens["dong-nai"])  # the token's last use written
    counts = []
    for size in (3, 60):
        with CaptureQueriesContext(connection) as queries:
            response = _get(client, f"/api/v1/{resource}/?page_size={size}", tokens["dong-nai"])
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 10, counts


@pytest.mark.parametrize("resource", ["tasks", "indicators"])
def test_list_query_count_pinned(client, tokens, django_assert_num_queries, resource):
    _get(client, f"/api/v1/{resource}/", tokens["dong-nai"])  # the token's last use written
    first = _get(client, f"/api/v1/{resource}/?page_size=20", tokens["dong-nai"]).json()
    assert first["next"], "a page deep in the cursor, as the bench reads"
    # 1. the token, with its area (`BearerTokenAuthentication`)
    # 2. the page of items with their plan, area and section, and their lead and support units' slugs as arrays
    with django_assert_num_queries(2):
        response = _get(client, first["next"], tokens["dong-nai"])
    assert response.status_code == 200 and len(response.json()["results"]) == 20


def test_last_use_written_at_most_once_a_minute(client, tokens):
    token = ApiToken.objects.get(area__slug="phu-lam")
    assert token.last_used_at is None
    _get(client, "/api/v1/areas/", tokens["phu-lam"])
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    _get(client, "/api/v1/areas/", tokens["phu-lam"])
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(seconds=61))
    _get(client, "/api/v1/areas/", tokens["phu-lam"])
    token.refresh_from_db()
    assert token.last_used_at > first - datetime.timedelta(seconds=1)


def test_token_page_shows_each_tokens_last_use(client, users, tokens):
    _get(client, "/api/v1/areas/", tokens["phu-lam"])
    used = ApiToken.objects.get(area__slug="phu-lam")
    client.force_login(users["dongnai-admin"])  # the province's admin sees its communes' tokens too
    rows = [row for row in client.get("/manage/api-tokens/").content.decode().split("<tr>") if "<code>pk57_" in row]
    assert len(rows) == 3
    for row in rows:
        if used.prefix in row:
            assert timezone.localtime(used.last_used_at).strftime("%d/%m/%Y %H:%M") in row
        else:
            assert "chưa dùng" in row


def test_filters(client, tokens):
    plan = Plan.objects.filter(area__slug="phu-lam").first()
    rows = _walk(client, f"/api/v1/tasks/?plan={plan.slug}&page_size=500", tokens["dong-nai"])
    assert rows and {row["plan"] for row in rows} == {plan.slug}
    assert len(rows) == plan.tasks.count()
    rows = _walk(client, "/api/v1/indicators/?area=phu-lam&status=completed&page_size=500", tokens["dong-nai"])
    assert {row["status"] for row in rows} <= {"completed"}
    reported = IndicatorReport.objects.filter(indicator__plan__area__slug="phu-lam").order_by("-period").first()
    quarter = (reported.period.month - 1) // 3 + 1
    rows = _walk(client, f"/api/v1/indicator-reports/?area=phu-lam&period=quarterly-{reported.period.year}-{quarter}"
                 "&page_size=500", tokens["phu-lam"])
    months = {datetime.date.fromisoformat(row["period"]).month for row in rows}
    assert rows and months <= {3 * quarter - 2, 3 * quarter - 1, 3 * quarter}
    assert len(rows) == IndicatorReport.objects.filter(
        indicator__plan__area__slug="phu-lam", period__year=reported.period.year,
        period__month__in=[3 * quarter - 2, 3 * quarter - 1, 3 * quarter]).count()
    month = ProgressUpdate.objects.filter(task__plan__area__slug="phu-lam").order_by("-period").first().period
    rows = _walk(client, f"/api/v1/progress-updates/?period={month:%Y-%m}&page_size=500", tokens["phu-lam"])
    assert rows and {row["period"] for row in rows} == {month.isoformat()}
    bad = _get(client, "/api/v1/progress-updates/?period=quý-1", tokens["phu-lam"])
    assert bad.status_code == 400 and "Kỳ không hợp lệ" in bad.json()["period"]
    report = Report.objects.filter(area__slug="phu-lam").first()
    rows = _walk(client, f"/api/v1/reports/?period={report.kind}-{report.year}-{report.period_number}",
                 tokens["phu-lam"])
    assert report.pk in {row["id"] for row in rows}
    assert {(row["kind"], row["year"], row["period_number"]) for row in rows} == {
        (report.kind, report.year, report.period_number)}


def test_report_file_checked_against_its_sha256(client, tokens):
    report = Report.objects.filter(area__slug="phu-lam").exclude(status="draft").first()
    data = b"%PDF-1.4\n% bao cao\n"
    report.pdf.save("bao-cao.pdf", ContentFile(data), save=False)
    report.pdf_sha256 = hashlib.sha256(data).hexdigest()
    report.docx = ""  # recorded by the demo, not in this test's media folder
    report.save(update_fields=["pdf", "pdf_sha256", "docx"])
    detail = _get(client, f"/api/v1/reports/{report.pk}/", tokens["phu-lam"]).json()
    assert detail["files"]["pdf"].endswith(f"/api/v1/reports/{report.pk}/files/pdf/")
    url = f"/api/v1/reports/{report.pk}/files/pdf/"
    response = _get(client, url, tokens["phu-lam"])
    assert response.status_code == 200 and response.content == data
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["ETag"] == f'"{report.pdf_sha256}"'
    unchanged = _get(client, url, tokens["phu-lam"], HTTP_IF_NONE_MATCH=response.headers["ETag"])
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert _get(client, url, tokens["dai-phuoc"]).status_code == 404
    assert _get(client, url).status_code == 401
    assert _get(client, f"/api/v1/reports/{report.pk}/files/docx/", tokens["phu-lam"]).status_code == 404
    with open(report.pdf.path, "ab") as handle:
        handle.write(b"altered")
    assert _get(client, url, tokens["phu-lam"]).status_code == 500
    # a copy fetched before is not told "not modified" of altered bytes
    assert _get(client, url, tokens["phu-lam"], HTTP_IF_NONE_MATCH=response.headers["ETag"]).status_code == 500


# The token page: area admins only; one area's admin never revokes another's token.
@pytest.mark.parametrize("username, allowed", [
    ("phulam-officer", False), ("phulam-leader", False), ("phulam-supervisor", False), ("phulam-admin", True),
    ("dongnai-admin", True),
])
def test_token_page_for_area_admins(client, users, username, allowed):
    client.force_login(users[username])
    response = client.get("/manage/api-tokens/")
    assert response.status_code == (200 if allowed else 403)
    area = users["phulam-admin"].units.first().area_id
    response = client.post("/manage/api-tokens/", {"name": "Bảng điều khiển", "area": area})
    made = ApiToken.objects.filter(name="Bảng điều khiển")
    if allowed:
        assert response.status_code == 200 and made.count() == 1
        plain = response.context["created"]["plain"]
        assert plain.encode() in response.content
        assert made.get().secret_sha256 == hashlib.sha256(plain.encode()).hexdigest()
        assert plain.encode() not in client.get("/manage/api-tokens/").content  # shown once
    else:
        assert response.status_code == 403 and not made.exists()


def test_token_page_needs_a_name_and_an_administered_area(client, users):
    client.force_login(users["phulam-admin"])
    daiphuoc = users["daiphuoc-admin"].units.first().area_id
    response = client.post("/manage/api-tokens/", {"name": "Khóa", "area": daiphuoc})
    assert response.status_code == 400 and not ApiToken.objects.exists()
    response = client.post("/manage/api-tokens/", {"name": "   ", "area": users["phulam-admin"].units.first().area_id})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_one_area_admin_cannot_revoke_another_areas_token(client, users, tokens):
    token = ApiToken.objects.get(area__slug="phu-lam")
    client.force_login(users["daiphuoc-admin"])
    assert client.post(f"/manage/api-tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    assert token.name.encode() not in client.get("/manage/api-tokens/").content
    client.force_login(users["phulam-admin"])
    page = client.get("/manage/api-tokens/")
    assert token.name.encode() in page.content and "chưa dùng".encode() in page.content
    assert client.post(f"/manage/api-tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == users["phulam-admin"]
    assert _get(client, "/api/v1/plans/", tokens["phu-lam"]).status_code == 401


def test_manage_page_links_to_tokens(client, users):
    client.force_login(users["phulam-admin"])
    assert b'href="/manage/api-tokens/"' in client.get("/manage/").content
