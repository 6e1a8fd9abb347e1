"""Uploaded artwork images: checked against the limits, re-encoded as JPEG without metadata, stored by SHA-256.

Pure image processing and storage keys: no database and no request. Error messages are lazy, so processing needs
no app context; they are translated when shown.
"""

import hashlib
import io
import re
import struct
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import partial
from typing import BinaryIO

from flask_babel import LazyString, format_decimal, gettext
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageFile, ImageOps

from kunstvest.common.storage import Storage

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
RENDITION_LONG_SIDES = {"large": 2000, "medium": 1000, "thumb": 320}
RENDITIONS = ("original", *RENDITION_LONG_SIDES)
ORIGINAL_QUALITY = 90
RENDITION_QUALITY = 85
# Renditions are progressive so browsers show them early; the original is not: at 24 megapixels that costs ~0.7 s.

# Resize by a whole factor first while the rest is at least this big: much faster, and LANCZOS still does the end.
REDUCING_GAP = 1.5
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
MEBIBYTE = 1024 * 1024
KIBIBYTE = 1024
READ_CHUNK = MEBIBYTE
NOT_AN_IMAGE = _l("The file is not a JPEG, PNG or WebP image.")
# Pillow reports broken or hostile files with any of these.
BROKEN_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)


@dataclass(frozen=True)
class ImageLimits:
    """What an uploaded image may weigh and must measure."""

    max_bytes: int
    min_long_side: int
    max_megapixels: int

    @classmethod
    def from_config(cls, config: Mapping) -> "ImageLimits":
        """The limits in IMAGE_MAX_BYTES, IMAGE_MIN_LONG_SIDE and IMAGE_MAX_MEGAPIXELS."""
        return cls(max_bytes=config["IMAGE_MAX_BYTES"], min_long_side=config["IMAGE_MIN_LONG_SIDE"],
                   max_megapixels=config["IMAGE_MAX_MEGAPIXELS"])

    @property
    def max_pixels(self) -> int:
        """The megapixel limit in pixels."""
        return self.max_megapixels * 1_000_000

    def describe(self) -> str:
        """The limits as one sentence for the upload form, in the visitor's language."""
        return gettext("JPEG, PNG or WebP, at most %(size)s, at least %(long_side)s pixels on the long side, "
                       "at most %(megapixels)s megapixels.", size=_file_size(self.max_bytes, rounding=ROUND_FLOOR),
                       long_side=self.min_long_side, megapixels=self.max_megapixels)


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message names the limit it broke and is shown to the artist."""


@dataclass(frozen=True)
class ProcessedImage:
    """An accepted image: the re-encoded original and its smaller renditions, all JPEG bytes."""

    sha256: str
    width: int
    height: int
    renditions: dict[str, bytes]


def process_image(stream: BinaryIO, *, limits: ImageLimits) -> ProcessedImage:
    """Check an upload against `limits` and re-encode it upright, without EXIF, as the original and its renditions."""
    # No name holds the upload's bytes, so they are freed once decoded, before turning the image doubles its memory.
    image = _decoded(_read_within_limit(stream, max_bytes=limits.max_bytes), limits=limits)
    image = _flattened_rgb(_upright(image, limits=limits))
    renditions = {"original": _jpeg_bytes(image, quality=ORIGINAL_QUALITY, progressive=False)}
    width, height = image.size
    for name, long_side in RENDITION_LONG_SIDES.items():
        image = _downscaled(image, long_side=long_side)
        renditions[name] = _jpeg_bytes(image, quality=RENDITION_QUALITY, progressive=True)
    return ProcessedImage(sha256=hashlib.sha256(renditions["original"]).hexdigest(), width=width, height=height,
                          renditions=renditions)


def store_image(image: ProcessedImage, *, store: Storage) -> None:
    """Put every rendition in `store`; renditions already there are kept, since the same hash means the same bytes."""
    for name, content in image.renditions.items():
        key = image_key(sha256=image.sha256, rendition=name)
        if not store.exists(key):
            store.put(key, content, content_type="image/jpeg")


def image_key(*, sha256: str, rendition: str) -> str:
    """The storage key of a rendition of the image with this SHA-256, "ab/ab…/thumb.jpg"; refuses anything else."""
    return f"{_image_prefix(sha256)}{_known_rendition(rendition)}.jpg"


def delete_image_files(*, store: Storage, sha256: str) -> None:
    """Remove every rendition of the image with this SHA-256; nothing happens if there are none."""
    prefix = _image_prefix(sha256)
    for key in list(store.keys(prefix)):
        store.delete(key)


def _file_size(size: int, *, rounding: str = ROUND_CEILING) -> str:
    """A byte count in MB (or kB below one MB) with one decimal at most, in the current locale."""
    unit, divisor = ("MB", MEBIBYTE) if size >= MEBIBYTE else ("kB", KIBIBYTE)
    amount = (Decimal(size) / divisor).quantize(Decimal("0.1"), rounding=rounding)
    return f"{format_decimal(amount, '#,##0.#')} {unit}"


def _read_within_limit(stream: BinaryIO, *, max_bytes: int) -> bytes:
    payload = stream.read(max_bytes + 1)
    if len(payload) > max_bytes:
        size = len(payload) + _remaining_bytes(stream)
        raise ImageRejected(_l("The file is %(size)s; the limit is %(limit)s.",
                               size=LazyString(_file_size, size), limit=LazyString(_file_size, max_bytes,
                                                                                  rounding=ROUND_FLOOR)))
    return payload


def _remaining_bytes(stream: BinaryIO) -> int:
    """How much of the stream is left, without keeping it in memory."""
    if stream.seekable():
        position = stream.tell()
        return stream.seek(0, io.SEEK_END) - position
    return sum(len(chunk) for chunk in iter(partial(stream.read, READ_CHUNK), b""))


def _decoded(payload: bytes, *, limits: ImageLimits) -> Image.Image:
    """Every pixel of the upload, decoded once the header has passed the pixel limit."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(payload), formats=ACCEPTED_FORMATS)
            _check_pixels(image, limits=limits)
            _load_whole(image)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected(_l("The image has more than %(limit)s megapixels.", limit=limits.max_megapixels)) \
            from error
    except BROKEN_IMAGE_ERRORS as error:
        raise ImageRejected(NOT_AN_IMAGE) from error
    return image


def _upright(image: Image.Image, *, limits: ImageLimits) -> Image.Image:
    """The image turned as its EXIF orientation says, provided its long side is long enough."""
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except BROKEN_IMAGE_ERRORS as error:
        raise ImageRejected(NOT_AN_IMAGE) from error
    if max(image.size) < limits.min_long_side:
        raise ImageRejected(_l("The image is %(width)s × %(height)s pixels; it must be at least %(minimum)s pixels "
                               "on the long side.", width=image.width, height=image.height,
                               minimum=limits.min_long_side))
    return image


def _load_whole(image: Image.Image) -> None:
    """Decode every pixel, refusing a truncated file even where another module lets Pillow pad them out."""
    # WeasyPrint sets this process-wide on import; a cut-off upload must still fail, so it is off while we decode.
    tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _check_pixels(image: Image.Image, *, limits: ImageLimits) -> None:
    """Refuse an image whose header promises more pixels than allowed, before anything is decoded."""
    pixels = image.width * image.height
    if pixels > limits.max_pixels:
        raise ImageRejected(_l("The image has %(megapixels)s megapixels; the limit is %(limit)s.",
                               megapixels=LazyString(_megapixels, pixels), limit=limits.max_megapixels))


def _megapixels(pixels: int) -> str:
    return format_decimal((Decimal(pixels) / 1_000_000).quantize(Decimal("0.1"), rounding=ROUND_CEILING), "#,##0.#")


def _flattened_rgb(image: Image.Image) -> Image.Image:
    """RGB pixels: transparency laid on white, 16-bit grey scaled to 8 bits, every other mode converted."""
    if image.mode.startswith("I"):
        image = image.point(lambda value: value / 256, "L")
    if image.has_transparency_data:
        with_alpha = image.convert("RGBA")
        flattened = Image.new("RGB", with_alpha.size, "white")
        flattened.paste(with_alpha, mask=with_alpha.getchannel("A"))
        return flattened
    return image if image.mode == "RGB" else image.convert("RGB")


def _downscaled(image: Image.Image, *, long_side: int) -> Image.Image:
    """The image with its long side shrunk to `long_side`; an image already that small is returned as it is."""
    scale = long_side / max(image.size)
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def _jpeg_bytes(image: Image.Image, *, quality: int, progressive: bool) -> bytes:
    """The image as JPEG; no exif or icc_profile is passed, so no metadata goes along."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, progressive=progressive)
    return buffer.getvalue()


def _image_prefix(sha256: str) -> str:
    if not isinstance(sha256, str) or not SHA256_HEX.fullmatch(sha256):
        raise ValueError(f"Not a SHA-256 hex digest: {sha256!r}")
    return f"{sha256[:2]}/{sha256}/"


def _known_rendition(rendition: str) -> str:
    if rendition not in RENDITIONS:
        raise ValueError(f"Unknown rendition {rendition!r}; expected one of {', '.join(RENDITIONS)}")
    return rendition
