"""The token page for area admins: issue (the plain token shown once), list with last use, revoke."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.access import portal_admin_required
from plans.forms import add_service_errors

from .forms import TokenForm
from .services import token_create, token_revoke, tokens_administered_by


@portal_admin_required
def token_list_view(request):
    form = TokenForm(request.POST or None, user=request.user)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, plain = token_create(user=request.user, area_id=form.cleaned_data["area"].pk,
                                        name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            created = {"token": token, "plain": plain}
            form = TokenForm(user=request.user)
    tokens = tokens_administered_by(request.user).select_related("area", "created_by", "revoked_by")
    page = Paginator(tokens, 50).get_page(request.GET.get("page"))
    return render(request, "api/token_list.html", {"form": form, "page": page, "created": created},
                  status=400 if form.errors else 200)


@portal_admin_required
@require_POST
def token_revoke_view(request, pk):
    token = token_revoke(user=request.user, token_id=pk)
    messages.success(request, _("Đã thu hồi khóa %(name)s.") % {"name": token.name})
    return redirect("api_tokens:token_list")
