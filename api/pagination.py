from rest_framework.exceptions import NotFound, ParseError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Cursor pagination: pages stay the same while entries are published (no offsets that
    shift), and reading page 500 costs what reading page 1 does."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("pk",)

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        for link, text in (
            ("next", "The next page, or null on the last."),
            ("previous", "The previous page, or null on the first."),
        ):
            # DRF's examples name another site's /accounts/.
            del described["properties"][link]["example"]
            described["properties"][link]["description"] = text
        described["required"] = ["next", "previous", "results"]
        return described

    def decode_cursor(self, request):
        # A cursor that does not decode is a malformed query string: 400, not 404.
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ParseError(self.invalid_cursor_message) from error


class Sorting(OrderingFilter):
    """``?sort=field`` or ``?sort=-field`` among each view's ``ordering_fields``; the id
    breaks ties so the cursor's order is total."""

    ordering_param = "sort"

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or ())
        if not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering.append("pk")
        return tuple(ordering)
