"""What an application attachment really is, judged by its content, never by its name or the browser's word.

PDFs must start with the PDF signature and open with pypdf (at least one page, not password-protected);
PNG and JPEG pictures must open and verify with Pillow. The file name's extension must agree with the
content, so a PNG renamed ``.pdf`` is refused as clearly as a text file renamed ``.pdf``.
"""

import logging
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from tickets.models_applications import ATTACHMENT_MAX_BYTES

MAX_ATTACHMENTS = 3
MAX_IMAGE_PIXELS = 50_000_000
EXTENSIONS = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
KIND_NAMES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged PDF is refused; its warnings are noise


@dataclass(frozen=True)
class CheckedAttachment:
    upload: UploadedFile
    name: str
    content_type: str
    size: int


def _display_name(upload: UploadedFile) -> str:
    name = PurePath(str(upload.name or "")).name.strip()
    return name[-200:] or "attachment"


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def _pdf_is_readable(upload: UploadedFile) -> bool:
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("%(name)s is password-protected. Upload a PDF the organizer can open."),
                params={"name": _display_name(upload)},
            )
        return len(reader.pages) > 0
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        return False


def _image_is_readable(upload: UploadedFile, expected_format: str) -> bool:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != expected_format or image.width * image.height > MAX_IMAGE_PIXELS:
                    return False
                image.verify()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return False
    return True


def attachment_check(upload: UploadedFile) -> CheckedAttachment:
    """Accept a PDF, PNG or JPEG of at most 5 MB whose content matches its extension.

    Raises: ValidationError with a message naming the file.
    """
    name = _display_name(upload)
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("%(name)s is empty."), params={"name": name})
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s MB; each file may be at most 5 MB."),
            params={"name": name, "size": f"{size / 1024 / 1024:.1f}"},
        )
    claimed = EXTENSIONS.get(PurePath(name).suffix.lower())
    if claimed is None:
        raise ValidationError(_("%(name)s: upload a PDF, PNG or JPG file."), params={"name": name})
    upload.seek(0)
    actual = _sniff(upload.read(16))
    if actual != claimed:
        if actual is None:
            message = _("%(name)s is not really a %(kind)s file. Upload a PDF, PNG or JPG file.")
        else:
            message = _("%(name)s is a %(actual)s file with the wrong extension. Rename it or export it as %(kind)s.")
        raise ValidationError(
            message, params={"name": name, "kind": KIND_NAMES[claimed], "actual": KIND_NAMES.get(actual, "")}
        )
    readable = (
        _pdf_is_readable(upload)
        if actual == "application/pdf"
        else _image_is_readable(upload, "PNG" if actual == "image/png" else "JPEG")
    )
    if not readable:
        raise ValidationError(
            _("%(name)s looks damaged: it cannot be opened as %(kind)s."),
            params={"name": name, "kind": KIND_NAMES[actual]},
        )
    upload.seek(0)
    return CheckedAttachment(upload=upload, name=name, content_type=actual, size=size)


def attachments_check(uploads) -> list[CheckedAttachment]:
    """Check every upload; all problems at once.

    Raises: ValidationError({"attachments": [...]}).
    """
    uploads = [upload for upload in uploads or [] if upload]
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": [_("Attach at most %(limit)s files.") % {"limit": MAX_ATTACHMENTS}]})
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(attachment_check(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    return checked
