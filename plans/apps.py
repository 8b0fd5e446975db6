import functools

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Kế hoạch")

    def ready(self):
        _history_manager_class_once_per_process()


def _history_manager_class_once_per_process():
    """simple-history builds a new manager class on every `.history` access (Manager.from_queryset, which
    inspects every method of the queryset): about 0.3 ms each, several times per page and per save (a task's
    history, a plan's changes, the record every save writes). The class depends only on the descriptor's
    manager and queryset classes, so it is built once; each access still gets its own manager instance."""
    from simple_history.manager import HistoryDescriptor

    manager_class = functools.cache(lambda manager, queryset: manager.from_queryset(queryset))

    def history_manager(descriptor, instance, owner):
        return manager_class(descriptor.manager_class, descriptor.queryset_class)(descriptor.model, instance)

    HistoryDescriptor.__get__ = history_manager
