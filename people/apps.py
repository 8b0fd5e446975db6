from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("Người dùng")

    def ready(self):
        # Connects the sign-in's receiver (it notes the session's activity) in every process, not only once the
        # middleware is first loaded.
        import config.middleware  # noqa: F401
