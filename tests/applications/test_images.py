"""Image uploads: limits, metadata stripping, orientation, renditions and storage by SHA-256."""

import hashlib
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image, ImageFile

from kunstvest.applications.images import (RENDITION_LONG_SIDES, ImageLimits, ImageRejected, delete_image_files,
                                           image_key, process_image, store_image)
from kunstvest.common.storage import LocalStorage

SMALL_LIMITS = ImageLimits(max_bytes=5 * 1024 * 1024, min_long_side=100, max_megapixels=50)
NOT_AN_IMAGE = "The file is not a JPEG, PNG or WebP image."
ORIENTATION = 0x0112
GPS_INFO = 0x8825


@pytest.fixture(autouse=True)
def english(db):
    """Messages in English, so the tests can read them."""
    with force_locale("en"):
        yield


def encoded(image: Image.Image, image_format: str, **options) -> io.BytesIO:
    """`image` saved in `image_format` into a stream at its start."""
    stream = io.BytesIO()
    image.save(stream, image_format, **options)
    stream.seek(0)
    return stream


def gradient(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A smooth picture of `size`, so JPEG stays small and resizing has something to do."""
    return Image.linear_gradient("L").resize(size).convert(mode)


def png_claiming(width: int, height: int) -> io.BytesIO:
    """A tiny valid PNG whose header claims `width` × `height` pixels, as a decompression bomb does."""
    png = encoded(Image.new("1", (8, 8)), "PNG").getvalue()
    header = b"IHDR" + struct.pack(">II", width, height) + png[24:29]
    return io.BytesIO(png[:12] + header + struct.pack(">I", zlib.crc32(header)) + png[33:])


def upload(stream, *, root: Path, limits: ImageLimits = SMALL_LIMITS):
    """Process then store, as the upload view does: files are written only for an accepted image."""
    image = process_image(stream, limits=limits)
    store_image(image, store=LocalStorage(root))
    return image


def long_side(content: bytes) -> int:
    return max(Image.open(io.BytesIO(content)).size)


def test_gps_and_every_other_exif_tag_are_stripped_and_the_orientation_is_applied():
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[GPS_INFO] = {1: "N", 2: (59.0, 54.0, 30.5), 3: "E", 4: (10.0, 45.0, 0.0)}
    picture = Image.new("RGB", (300, 200), "white")
    picture.paste("red", (0, 0, 40, 40))
    stream = encoded(picture, "JPEG", exif=exif, quality=95)
    assert Image.open(io.BytesIO(stream.getvalue())).getexif().get_ifd(GPS_INFO), "the upload carries GPS"

    image = process_image(stream, limits=SMALL_LIMITS)

    assert (image.width, image.height) == (200, 300)
    for name, content in image.renditions.items():
        rendition = Image.open(io.BytesIO(content))
        assert rendition.format == "JPEG" and rendition.mode == "RGB", name
        assert not rendition.getexif() and "exif" not in rendition.info and "icc_profile" not in rendition.info, name
    upright = Image.open(io.BytesIO(image.renditions["original"]))
    # Orientation 6 means "turn 90° clockwise to view", which takes the top-left corner to the top-right.
    assert upright.getpixel((185, 15))[0] > 200 and upright.getpixel((185, 15))[1] < 60
    assert upright.getpixel((15, 15)) > (240, 240, 240)


@pytest.mark.parametrize(("width", "height", "message"), [
    (8000, 8000, "The image has 64 megapixels; the limit is 50."),
    (10_000, 10_000, "The image has more than 50 megapixels."),
    (20_000, 20_000, "The image has more than 50 megapixels."),
])
def test_a_decompression_bomb_is_refused_from_its_header_and_nothing_is_written(tmp_path, width, height, message):
    with pytest.raises(ImageRejected) as rejected:
        upload(png_claiming(width, height), root=tmp_path)
    assert str(rejected.value) == message
    assert list(tmp_path.iterdir()) == []
    with pytest.warns(Image.DecompressionBombWarning):
        Image.open(png_claiming(10_000, 10_000))


def test_an_image_just_over_the_pixel_limit_names_its_megapixels():
    with pytest.raises(ImageRejected, match=r"^The image has 1\.1 megapixels; the limit is 1\.$"):
        process_image(png_claiming(1001, 1000), limits=ImageLimits(max_bytes=1024, min_long_side=1,
                                                                   max_megapixels=1))


def test_a_text_file_named_jpg_is_not_an_image(tmp_path):
    upload_path = tmp_path / "artwork.jpg"
    upload_path.write_text("Dette er ikke et bilde.\n")
    root = tmp_path / "images"
    with upload_path.open("rb") as stream, pytest.raises(ImageRejected, match=f"^{re.escape(NOT_AN_IMAGE)}$"):
        upload(stream, root=root)
    assert not root.exists()


@pytest.mark.parametrize("image_format", ["GIF", "TIFF", "BMP"])
def test_other_image_formats_are_refused(image_format):
    with pytest.raises(ImageRejected, match=f"^{re.escape(NOT_AN_IMAGE)}$"):
        process_image(encoded(gradient((300, 200)), image_format), limits=SMALL_LIMITS)


def test_a_truncated_jpeg_is_refused_although_weasyprint_lets_pillow_load_truncated_images(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    whole = encoded(gradient((400, 300)), "JPEG").getvalue()
    with pytest.raises(ImageRejected, match=f"^{re.escape(NOT_AN_IMAGE)}$"):
        process_image(io.BytesIO(whole[: len(whole) // 2]), limits=SMALL_LIMITS)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True, "the process-wide setting is restored"


def test_a_one_pixel_image_names_the_minimum_long_side(app):
    limits = ImageLimits.from_config(app.config)
    with pytest.raises(ImageRejected) as rejected:
        process_image(encoded(Image.new("RGB", (1, 1)), "PNG"), limits=limits)
    assert str(rejected.value) == "The image is 1 × 1 pixels; it must be at least 1200 pixels on the long side."


def test_a_file_over_the_byte_limit_names_its_size_and_the_limit():
    noisy = Image.merge("RGB", [Image.effect_noise((300, 300), 80)] * 3)
    stream = encoded(noisy, "JPEG", quality=95)
    size_in_kb = len(stream.getvalue()) / 1024
    with pytest.raises(ImageRejected) as rejected:
        process_image(stream, limits=ImageLimits(max_bytes=10_000, min_long_side=100, max_megapixels=50))
    shown = re.fullmatch(r"The file is ([\d.]+) kB; the limit is 9\.7 kB\.", str(rejected.value))
    assert shown and float(shown[1]) == pytest.approx(size_in_kb, abs=0.1)


def test_megabytes_are_shown_for_big_files_even_from_a_stream_that_cannot_seek():
    class Unseekable(io.RawIOBase):
        def __init__(self, size):
            self.left = size

        def readable(self):
            return True

        def readinto(self, buffer):
            count = min(len(buffer), self.left)
            buffer[:count] = b"\xff" * count
            self.left -= count
            return count

    with pytest.raises(ImageRejected, match=r"^The file is 31\.2 MB; the limit is 20 MB\.$"):
        process_image(io.BufferedReader(Unseekable(int(31.15 * 1024 * 1024))),
                      limits=ImageLimits(max_bytes=20 * 1024 * 1024, min_long_side=1, max_megapixels=50))


def test_transparency_is_laid_on_white_and_webp_is_accepted():
    see_through = Image.new("RGBA", (300, 200), (255, 0, 0, 0))
    see_through.paste((0, 0, 255, 255), (0, 0, 100, 200))
    for stream in (encoded(see_through, "PNG"), encoded(see_through, "WEBP", lossless=True)):
        original = Image.open(io.BytesIO(process_image(stream, limits=SMALL_LIMITS).renditions["original"]))
        assert original.getpixel((250, 100)) > (245, 245, 245)
        assert original.getpixel((50, 100))[2] > 230 and original.getpixel((50, 100))[0] < 25


@pytest.mark.parametrize(("mode", "image_format"), [
    ("L", "JPEG"), ("CMYK", "JPEG"), ("P", "PNG"), ("LA", "PNG"), ("1", "PNG"), ("I;16", "PNG"),
])
def test_every_mode_becomes_rgb(mode, image_format):
    image = process_image(encoded(gradient((160, 120), mode), image_format), limits=SMALL_LIMITS)
    original = Image.open(io.BytesIO(image.renditions["original"]))
    assert (original.mode, original.size) == ("RGB", (160, 120))


def test_renditions_are_downscaled_to_their_long_side_and_never_upscaled():
    big = process_image(encoded(gradient((2400, 1600)), "JPEG"), limits=SMALL_LIMITS)
    assert {name: long_side(content) for name, content in big.renditions.items()} == {
        "original": 2400, **RENDITION_LONG_SIDES}
    assert Image.open(io.BytesIO(big.renditions["large"])).size == (2000, 1333)

    small = process_image(encoded(gradient((500, 400)), "JPEG"), limits=SMALL_LIMITS)
    assert {name: long_side(content) for name, content in small.renditions.items()} == {
        "original": 500, "large": 500, "medium": 500, "thumb": 320}


def test_the_sha256_is_that_of_the_original_and_stable_for_the_same_upload():
    upload_bytes = encoded(gradient((400, 300)), "PNG").getvalue()
    first = process_image(io.BytesIO(upload_bytes), limits=SMALL_LIMITS)
    second = process_image(io.BytesIO(upload_bytes), limits=SMALL_LIMITS)
    assert first.sha256 == second.sha256 == hashlib.sha256(first.renditions["original"]).hexdigest()
    assert (first.width, first.height) == (400, 300)


def test_store_image_writes_four_files_once_and_delete_removes_them(tmp_path):
    image = upload(encoded(gradient((400, 300)), "JPEG"), root=tmp_path)
    directory = tmp_path / image.sha256[:2] / image.sha256
    assert sorted(path.name for path in directory.iterdir()) == [
        "large.jpg", "medium.jpg", "original.jpg", "thumb.jpg"]
    original = tmp_path / image_key(sha256=image.sha256, rendition="original")
    assert original.read_bytes() == image.renditions["original"]
    inode = original.stat().st_ino

    store_image(image, store=LocalStorage(tmp_path))

    assert original.stat().st_ino == inode, "an existing file is left alone"
    assert len(list(directory.iterdir())) == 4, "no temporary files are left behind"
    delete_image_files(store=LocalStorage(tmp_path), sha256=image.sha256)
    assert list(tmp_path.iterdir()) == []
    delete_image_files(store=LocalStorage(tmp_path), sha256=image.sha256)


@pytest.mark.parametrize("sha256", ["../" * 21 + "a", "0" * 63 + "/", "A" * 64, "0" * 63, "0" * 65])
def test_paths_need_a_lowercase_sha256_digest(tmp_path, sha256):
    with pytest.raises(ValueError):
        image_key(sha256=sha256, rendition="original")
    with pytest.raises(ValueError):
        delete_image_files(store=LocalStorage(tmp_path), sha256=sha256)


@pytest.mark.parametrize("rendition", ["../original", "huge", "original.jpg", ""])
def test_paths_need_a_known_rendition(tmp_path, rendition):
    with pytest.raises(ValueError):
        image_key(sha256="0" * 64, rendition=rendition)


def test_image_key_is_two_levels_deep():
    sha256 = "ab" + "0" * 62
    assert image_key(sha256=sha256, rendition="thumb") == f"ab/{sha256}/thumb.jpg"


def test_the_limits_are_described_with_their_numbers(app):
    assert ImageLimits.from_config(app.config).describe() == (
        "JPEG, PNG or WebP, at most 20 MB, at least 1200 pixels on the long side, at most 40 megapixels.")
