"""Hashing an uploaded document while it streams in: no byte of it is kept.

The multipart body is read in 64 KiB chunks, each fed to SHA-256 and
dropped, so memory stays bounded whatever the file's size; past
VERIFY_UPLOAD_MAX_BYTES the upload stops with a 413. A request whose
Content-Length already says it is too big is refused before it is read.
A `file` part sent without a filename is a plain form field to Django,
bounded by DATA_UPLOAD_MAX_MEMORY_SIZE; its exact bytes are hashed too.
"""

import hashlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from rest_framework import status
from rest_framework.parsers import BaseParser, DataAndFiles

from .errors import ApiError
from .params import invalid

FIELD = "file"
LOSSLESS = "latin-1"
# Room for the multipart boundaries and part headers around the file itself.
ENVELOPE_BYTES = 64 * 1024


class HashedUpload(UploadedFile):
    """What is left of an uploaded file once hashed: its name, size and SHA-256."""

    def __init__(self, name: str, size: int, sha256: str) -> None:
        super().__init__(file=None, name=name, size=size)
        self.sha256 = sha256

    def close(self) -> None:
        """There is no content to close: it was never kept."""


def too_large(limit: int) -> ApiError:
    return ApiError(
        f"the file is larger than this server verifies by upload ({limit} bytes); "
        "compute its SHA-256 yourself and use GET /api/v1/verify?sha256=",
        code="too_large",
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )


def _fields_too_large() -> ApiError:
    return ApiError(
        "the form fields are too large; send the document as a file part, with a filename",
        code="too_large",
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )


class Sha256UploadHandler(FileUploadHandler):
    """Feeds the one file part named `file` to SHA-256 as it arrives and stores nothing."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.received = 0
        self.files = 0
        self.hasher = hashlib.sha256()

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        if content_length > self.limit + ENVELOPE_BYTES:
            raise too_large(self.limit)

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.files += 1
        if field_name != FIELD or self.files > 1:
            raise invalid(FIELD, f"send exactly one file, as the multipart field '{FIELD}'")
        self.hasher = hashlib.sha256()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise too_large(self.limit)
        self.hasher.update(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile:
        return HashedUpload(self.file_name or FIELD, file_size, self.hasher.hexdigest())


class Sha256MultiPartParser(BaseParser):
    """multipart/form-data whose file is hashed on arrival (request.FILES holds HashedUpload)."""

    media_type = "multipart/form-data"

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> "DataAndFiles[QueryDict, Any]":  # generic in the stubs only
        context = parser_context or {}
        meta = {**context["request"].META, "CONTENT_TYPE": media_type}
        handler = Sha256UploadHandler(settings.VERIFY_UPLOAD_MAX_BYTES)
        # Latin-1 maps every byte to one character, so a field's bytes can be recovered.
        parser = DjangoMultiPartParser(meta, stream, [handler], LOSSLESS)
        try:
            data, files = parser.parse()
        except RequestDataTooBig:
            raise _fields_too_large() from None
        except (MultiPartParserError, SuspiciousOperation) as e:
            raise ApiError(f"malformed multipart body: {e}", code="malformed_request") from None
        if FIELD in data:
            files = _field_as_file(data.getlist(FIELD), files)
        return DataAndFiles(data, files)


def _field_as_file(values: list[str], files: MultiValueDict[str, Any]) -> MultiValueDict[str, Any]:
    """A `file` part without a filename is a form field to Django, held in memory (at most
    DATA_UPLOAD_MAX_MEMORY_SIZE): some clients send a document so, and it is hashed too."""
    if len(values) > 1 or FIELD in files:
        raise invalid(FIELD, f"send exactly one file, as the multipart field '{FIELD}'")
    content = values[0].encode(LOSSLESS)
    if len(content) > settings.VERIFY_UPLOAD_MAX_BYTES:
        raise too_large(settings.VERIFY_UPLOAD_MAX_BYTES)
    upload = HashedUpload(FIELD, len(content), hashlib.sha256(content).hexdigest())
    return MultiValueDict({FIELD: [upload]})
