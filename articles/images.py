"""Article images: accepted once (checked, turned upright, stripped of their metadata), then
given responsive renditions, made once with Pillow when the image changes."""

from io import BytesIO
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

RENDITION_WIDTHS = (480, 800, 1200)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 60_000_000  # a 50-megapixel photo; a small file can hide a huge canvas
MIN_WIDTH = 800
FORMATS = {"JPEG", "PNG", "WEBP"}
# Orientations (EXIF tag 0x0112) that turn the picture a quarter: width and height swap.
QUARTER_TURNS = {5, 6, 7, 8}


def validate_upload(file):
    """Refuse what the article page cannot show well: too heavy, too small, not an image."""
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("L'image pèse %(size)s Mo : 10 Mo au plus.") % {"size": round(file.size / 2**20, 1)})
    try:
        file.open("rb")
        with Image.open(file) as image:
            kind, (width, height) = image.format, image.size
            if image.getexif().get(0x0112) in QUARTER_TURNS:
                width, height = height, width
    except (OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(_("Ce fichier n'est pas une image lisible.")) from error
    finally:
        file.seek(0)
    if kind not in FORMATS:
        raise ValidationError(_("Format %(format)s refusé : JPEG, PNG ou WebP.") % {"format": kind})
    if width * height > MAX_PIXELS:
        raise ValidationError(_("L'image compte trop de pixels : 50 millions au plus."))
    if width < MIN_WIDTH:
        raise ValidationError(_("L'image fait %(width)s pixels de large : 800 au moins.") % {"width": width})


def accept_image(file):
    """The one way an image comes in, uploaded in the admin or taken from an imported feed.

    Refused if unfit (`validate_upload`); otherwise turned upright as the camera meant it
    and written again without its metadata (GPS position, camera, date, thumbnail, XMP):
    the original is public (`og:image`). Only the colour profile is kept. Returns the file
    to store, under the same name.
    """
    validate_upload(file)
    file.open("rb")
    try:
        with Image.open(file) as original:
            kind, info = original.format, original.info
            upright = ImageOps.exif_transpose(original)
    finally:
        file.seek(0)
    options = {"icc_profile": info["icc_profile"]} if info.get("icc_profile") else {}
    if kind == "JPEG":
        options |= {"quality": 90, "optimize": True}
    elif kind == "WEBP":
        options |= {"quality": 90}
    elif kind == "PNG" and "transparency" in info:
        options["transparency"] = info["transparency"]
    buffer = BytesIO()
    upright.save(buffer, kind, **options)
    return ContentFile(buffer.getvalue(), name=file.name)


class AcceptedImageFieldFile(ImageFieldFile):
    """Whatever stores an image in the field (a form's upload, `field.save()` from code) goes
    through `accept_image()` first."""

    def save(self, name, content, save=True):
        super().save(name, accept_image(content), save)


class AcceptedImageField(models.ImageField):
    attr_class = AcceptedImageFieldFile

    def deconstruct(self):
        # For migrations it is an ImageField: only what it does at runtime differs.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs


def make_renditions(image_field):
    """Write WebP copies of the image at the widths the article page offers in `srcset`.

    Returns what the templates need: the original's size (for width/height attributes,
    so the page does not jump as it loads) and the file name of each rendition.
    """
    storage = image_field.storage
    image_field.open("rb")
    try:
        with Image.open(image_field) as original:
            image = ImageOps.exif_transpose(original).convert("RGB")
    finally:
        image_field.close()
    stem = PurePosixPath(image_field.name).with_suffix("")
    renditions = []
    for width in RENDITION_WIDTHS:
        if width > image.width and renditions:
            break
        target = min(width, image.width)
        height = round(image.height * target / image.width)
        resized = image.resize((target, height), Image.Resampling.LANCZOS)
        buffer = BytesIO()
        resized.save(buffer, "WEBP", quality=80, method=4)
        name = f"renditions/{stem}-{target}w.webp"
        if storage.exists(name):
            storage.delete(name)
        saved_name = storage.save(name, ContentFile(buffer.getvalue()))
        renditions.append({"width": target, "name": saved_name})
    return {
        "source": image_field.name,
        "width": image.width,
        "height": image.height,
        "bytes": image_field.size,  # a feed's enclosure states its length
        "renditions": renditions,
    }


def srcset(renditions, storage):
    return ", ".join(f"{storage.url(item['name'])} {item['width']}w" for item in renditions.get("renditions", []))
