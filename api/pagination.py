from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Pages that stay right while rows are added: ordered by the id, unique and never reused."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
