"""File downloads, with a Content-Disposition header that carries a Norwegian file name to every browser."""

import re
import unicodedata
from urllib.parse import quote

from flask import Response

NOT_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f"%\\/:*?<>|;]+')
# Letters that Unicode does not take apart into a plain letter and an accent.
ASCII_SPELLINGS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "ß": "ss"})


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII `filename` for old clients and the real name as RFC 6266's `filename*`."""
    name = NOT_IN_FILE_NAMES.sub("-", filename).strip(" .-") or "download"
    fallback = unicodedata.normalize("NFKD", name.translate(ASCII_SPELLINGS)).encode("ascii", "ignore").decode()
    return f"attachment; filename=\"{fallback or 'download'}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment(body: bytes, *, filename: str, content_type: str) -> Response:
    """A download; the content type is sent exactly as given, so a CSV names its charset once."""
    return Response(body, content_type=content_type, headers={"Content-Disposition": content_disposition(filename)})
