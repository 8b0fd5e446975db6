"""Who a token is, to the scope rules: a read-only person of the token's area.

The querysets in `plans/querysets.py` (`plan_scope`, `visible_to`...) ask a user for `area_ids`, `parent_area_ids`,
`is_superuser` and `role`; a token answers as a supervisor of its area would, so the API applies the very rules the
pages apply and no second rule exists.
"""
from people.models import User


class TokenPrincipal:
    Role = User.Role
    role = User.Role.SUPERVISOR
    is_superuser = False
    is_staff = False
    is_active = True
    is_authenticated = True
    is_anonymous = False
    is_read_only = True
    is_portal_admin = False
    unit_ids = frozenset()  # a token belongs to no unit: it leads, supports and reviews nothing

    def __init__(self, token):
        self.token = token
        self.pk = self.id = None
        self.username = f"api-token-{token.pk}"
        self.area_ids = frozenset({token.area_id})
        self.parent_area_ids = frozenset({token.area.parent_id} if token.area.parent_id else ())
        self.works_in_province = token.area.parent_id is None

    def __str__(self):
        return self.username
