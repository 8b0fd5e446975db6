from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from plans.historical import HistoricalRecords
from plans.models import COMMENT_MAX_LENGTH, REPORT_TEXT_MAX_LENGTH, ItemStatus, PlanItem


class TimelineKind(models.TextChoices):
    ONE_OFF = "one_off", _("Có thời hạn")
    ANNUAL = "annual", _("Hàng năm")
    CONTINUOUS = "continuous", _("Thường xuyên")


class Task(PlanItem):
    """Work a lead unit carries out with support units (Nhiệm vụ)."""

    Status = ItemStatus

    title = models.TextField(_("nhiệm vụ"))
    details = models.TextField(_("nội dung chi tiết"), blank=True)
    product = models.TextField(_("sản phẩm"), blank=True)
    timeline_text = models.CharField(_("thời gian thực hiện"), max_length=255, blank=True)
    starts_on = models.DateField(_("bắt đầu"), null=True, blank=True)
    ends_on = models.DateField(_("kết thúc"), null=True, blank=True)
    timeline_kind = models.CharField(
        _("loại thời hạn"), max_length=16, choices=TimelineKind.choices, default=TimelineKind.ONE_OFF,
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ phụ trách"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="tasks_in_charge",
    )
    authority = models.CharField(_("thẩm quyền phê duyệt"), max_length=255, blank=True)
    # Seed 001 I.5: every task the centre assigns is followed on the central monitoring system.
    centrally_assigned = models.BooleanField(_("nhiệm vụ Trung ương giao"), default=False)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    carries_out = models.ForeignKey(
        "self", verbose_name=_("thực hiện nhiệm vụ cấp trên"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="carried_out_by",
    )
    # A sub-item (`a)`, `b)`, `-` under item 2) belongs to its item: its progress rolls up to it
    # (tasks.services.task_rollup), and it goes when the item goes.
    parent = models.ForeignKey(
        "self", verbose_name=_("thuộc nhiệm vụ"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="subitems",
    )
    history = HistoricalRecords(m2m_fields=["lead_units", "support_units"])

    class Meta(PlanItem.Meta):
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="task_position_unique"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(starts_on__lte=models.F("ends_on")),
                name="task_timeline_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "in_progress"]) | Q(progress=100),
                name="task_reported_complete_at_100",
            ),
        ]

    def __str__(self):
        return f"{self.ordinal}. {self.title}" if self.ordinal else self.title

    def clean(self):
        super().clean()
        if self.parent_id is None:
            return
        if self.parent_id == self.pk or self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": _("Nội dung con phải thuộc một nhiệm vụ khác của cùng kế hoạch.")})
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": _("Nội dung con không thể có nội dung con.")})

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])

    TEXT_FIELD = "title"
    END_FIELD = "ends_on"  # where the six clears look for the item's time


def has_sub_items():
    """Whether a task has sub-items, for a queryset's annotate or exclude: such a task is reported and counted
    through its sub-items (tasks.services.parent_report_refuse, task_rollup)."""
    return Exists(Task.objects.filter(parent=OuterRef("pk")))


class ProgressUpdate(models.Model):
    """What an officer reported on a task for a month: the figure before and after, and why."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates")
    period = models.DateField(_("kỳ báo cáo (tháng)"))
    progress_before = models.PositiveSmallIntegerField(_("tiến độ trước"))
    progress_after = models.PositiveSmallIntegerField(_("tiến độ sau"))
    achievements = models.TextField(_("kết quả thực hiện trong kỳ"), max_length=REPORT_TEXT_MAX_LENGTH)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True, max_length=REPORT_TEXT_MAX_LENGTH)
    proposals = models.TextField(_("kiến nghị, đề xuất"), blank=True, max_length=REPORT_TEXT_MAX_LENGTH)
    reason = models.TextField(_("lý do điều chỉnh giảm tiến độ"), blank=True, max_length=REPORT_TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("thời điểm cập nhật"), auto_now_add=True)

    class Meta:
        verbose_name = _("cập nhật tiến độ")
        verbose_name_plural = _("cập nhật tiến độ")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress_after__lte=100), name="update_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(progress_after__gte=models.F("progress_before")) | ~Q(reason=""),
                name="update_backwards_needs_reason",
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="update_period_is_a_month"),
        ]

    def __str__(self):
        # The update's own fields only: listing updates reads no task.
        month = f"{self.period:%m/%Y}" if self.period else ""
        return f"{month} · {self.progress_before}% → {self.progress_after}%"


class Comment(models.Model):
    """A note on a task, as support units may leave."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="task_comments")
    body = models.TextField(_("ý kiến"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ý kiến")
        verbose_name_plural = _("ý kiến")
        ordering = ["created_at", "id"]

    def __str__(self):
        return Truncator(self.body).chars(60)
