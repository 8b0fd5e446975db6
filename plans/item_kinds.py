"""The kinds of a plan's items (indicators and tasks): the one registry of each kind's model and names.

Two vocabularies name a kind, and both are read here: one item's (`indicator`, `task`: assignment keys,
filters, the cascade's URLs) and its appendix's (`indicators`, `tasks`: Phụ lục I and II, their imports and
exports, the item forms' URLs). Models are looked up through the app registry, so `plans.models` and the
apps' own models may import this module.
"""
from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class ItemKind:
    name: str  # one item's: "indicator"
    appendix: str  # its appendix's: "indicators"
    model_label: str
    label: str  # gettext_noop: translated where shown
    appendix_label: str  # gettext_noop

    @property
    def model(self):
        return apps.get_model(self.model_label)


INDICATOR = ItemKind("indicator", "indicators", "indicators.Indicator", gettext_noop("Chỉ tiêu"),
                     gettext_noop("Phụ lục I – Chỉ tiêu"))
TASK = ItemKind("task", "tasks", "tasks.Task", gettext_noop("Nhiệm vụ"), gettext_noop("Phụ lục II – Nhiệm vụ"))
# In document order: a section lists its indicators before its tasks.
ITEM_KINDS = (INDICATOR, TASK)
ITEM_KIND_NAMES = tuple(kind.name for kind in ITEM_KINDS)
APPENDIX_KINDS = tuple(kind.appendix for kind in ITEM_KINDS)
_BY_NAME = {kind.name: kind for kind in ITEM_KINDS}
_BY_APPENDIX = {kind.appendix: kind for kind in ITEM_KINDS}


def item_kind(name):
    """The kind called `name` in one item's vocabulary ("task"); KeyError for any other name."""
    return _BY_NAME[name]


def appendix_kind(appendix):
    """The kind called `appendix` in the appendices' vocabulary ("tasks"); KeyError for any other name."""
    return _BY_APPENDIX[appendix]


def item_model(appendix):
    """The model of the items of the appendix `appendix` ("indicators" → Indicator)."""
    return appendix_kind(appendix).model


def kind_of(item):
    """The kind of an item (or of a model class)."""
    model = item if isinstance(item, type) else type(item)
    label = model._meta.label
    for kind in ITEM_KINDS:
        if kind.model_label == label:
            return kind
    raise KeyError(label)
