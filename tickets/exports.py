"""CSV exports that open safely in spreadsheets: UTF-8 with a BOM (Excel), streamed row by row, and every
cell that a spreadsheet would run as a formula turned into plain text."""

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

# A cell starting with one of these is a formula in Excel, LibreOffice and Google Sheets (OWASP "CSV
# injection"): =HYPERLINK(...) in an attendee name would run on the organizer's machine.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def csv_cell(value: object) -> str:
    """The text of one cell; a leading quote makes a would-be formula plain text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_cell(cell) for cell in row])


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> StreamingHttpResponse:
    """Stream ``rows`` as a CSV download; ``rows`` is consumed lazily while the response is sent."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in _csv_lines(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
