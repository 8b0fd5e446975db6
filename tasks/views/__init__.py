"""The task pages: My work and a task's own pages (work.py), the month's update of many items at a desk (desk.py)."""
from .desk import desk_view
from .work import my_work_view, task_comment_view, task_detail_view, task_report_view

__all__ = ["desk_view", "my_work_view", "task_comment_view", "task_detail_view", "task_report_view"]
