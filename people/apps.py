from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("Người dùng")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from config.middleware import session_seen

        # The sign-in already writes the session: note the activity there, not in an extra write.
        user_logged_in.connect(lambda request, **kwargs: session_seen(request), dispatch_uid="session_seen")
