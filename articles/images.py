"""Responsive renditions of article images, made once with Pillow when the image changes."""

from io import BytesIO
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image

RENDITION_WIDTHS = (480, 800, 1200)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MIN_WIDTH = 800
FORMATS = {"JPEG", "PNG", "WEBP"}


def validate_upload(file):
    """Refuse what the article page cannot show well: too heavy, too small, not an image."""
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("L'image pèse %(size)s Mo : 10 Mo au plus.") % {"size": round(file.size / 2**20, 1)})
    try:
        file.open("rb")
        with Image.open(file) as image:
            kind, width = image.format, image.width
    except (OSError, SyntaxError) as error:
        raise ValidationError(_("Ce fichier n'est pas une image lisible.")) from error
    finally:
        file.seek(0)
    if kind not in FORMATS:
        raise ValidationError(_("Format %(format)s refusé : JPEG, PNG ou WebP.") % {"format": kind})
    if width < MIN_WIDTH:
        raise ValidationError(_("L'image fait %(width)s pixels de large : 800 au moins.") % {"width": width})


def make_renditions(image_field):
    """Write WebP copies of the image at the widths the article page offers in `srcset`.

    Returns what the templates need: the original's size (for width/height attributes,
    so the page does not jump as it loads) and the file name of each rendition.
    """
    storage = image_field.storage
    image_field.open("rb")
    try:
        with Image.open(image_field) as original:
            original.load()
            image = original.convert("RGB")
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
