"""The files an area admin uploads: an appendix workbook that unpacks to more than IMPORT_INLINE_BYTES (so it is
previewed and imported by a job) and the plan's own Word file with its PHỤ LỤC tables."""
import io
import zipfile

from tests.workbooks import TASK_ROWS, office_workbook

UNITS = ["Phòng Văn hóa - Xã hội", "Phòng Kinh tế"]


def large_task_workbook(rows=400):
    """Phụ lục II with `rows` tasks, each described at the length offices write them."""
    tasks = [["I. Chuyển đổi số toàn diện", None, None, None, None, None]]
    for n in range(1, rows + 1):
        text = (f"Nhiệm vụ {n}: triển khai nền tảng số dùng chung của xã, số hóa hồ sơ, kết nối dữ liệu dân cư, "
                f"đào tạo kỹ năng số cho cán bộ và người dân ở khu phố {n}; ") * 4
        tasks.append([f"{n}.", text.strip(), UNITS[n % 2], UNITS[(n + 1) % 2], f"Báo cáo kết quả số {n}",
                      "Quý IV/2026"])
    return office_workbook(indicators=None, tasks=tasks)


def unpacked_size(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(entry.file_size for entry in archive.infolist())


def plan_docx():
    """A plan as offices issue it: its text, then PHỤ LỤC I and II as Word tables with merged header cells
    (5 items; the same file the reader's own tests import)."""
    from plans.tests.test_appendix_layouts import _docx

    return _docx()


def task_workbook_with_a_mistake():
    """Phụ lục II whose second task has no lead unit and a timeline nobody can read."""
    rows = [list(row) for row in TASK_ROWS]
    rows[2][2], rows[2][5] = None, "khi nào xong thì thôi"
    return office_workbook(indicators=None, tasks=rows)
