"""Images are accepted once: turned upright, stripped of what they say about where and how
they were taken (the original is public, as `og:image`), then given renditions."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from articles.images import accept_image

from .factories import ArticleFactory, staff_member
from .test_newsroom import form_data

pytestmark = pytest.mark.django_db

GPS_IFD, ORIENTATION, MAKE = 0x8825, 0x0112, 0x010F
RED, BLUE = (220, 20, 20), (20, 20, 220)


def phone_photo(*, orientation=6, size=(1600, 900), icc=False):
    """A JPEG as a phone writes it: pixels stored sideways (left half red, right half blue)
    with an orientation tag saying to turn them a quarter clockwise, the place it was taken
    and the camera; optionally an sRGB colour profile."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "Téléphone"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 8.0)})
    options = {"exif": exif.tobytes()}
    if icc:
        options["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=95, **options)
    return buffer.getvalue()


def opened(data):
    image = Image.open(BytesIO(data))
    image.load()
    return image


def test_the_photo_from_the_phone_really_carries_gps_and_orientation():
    image = opened(phone_photo())
    assert image.getexif()[ORIENTATION] == 6
    assert image.getexif().get_ifd(GPS_IFD)


def test_an_accepted_image_is_upright_and_keeps_no_metadata_but_its_colour_profile():
    accepted = opened(accept_image(ContentFile(phone_photo(icc=True), name="photo.jpg")).read())
    assert accepted.format == "JPEG"
    assert accepted.size == (900, 1600)  # turned a quarter: the red half on top
    assert accepted.getpixel((450, 300))[0] > 200 and accepted.getpixel((450, 1300))[2] > 200
    exif = accepted.getexif()
    assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
    assert ORIENTATION not in exif and MAKE not in exif
    assert "xmp" not in accepted.info
    assert accepted.info.get("icc_profile")


def test_an_upload_in_the_admin_is_stored_stripped_and_its_renditions_are_upright(client):
    article = ArticleFactory()
    client.force_login(staff_member("Editors"))
    upload = SimpleUploadedFile("photo.jpg", phone_photo(), content_type="image/jpeg")
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        form_data(article, hero_image=upload, hero_alt="Une rue de Paris"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    with article.hero_image.open("rb") as stored:
        original = opened(stored.read())
    assert original.size == (900, 1600)
    assert not original.getexif().get_ifd(GPS_IFD) and ORIENTATION not in original.getexif()
    assert (article.hero_renditions["width"], article.hero_renditions["height"]) == (900, 1600)
    for item in article.hero_renditions["renditions"]:
        with article.hero_image.storage.open(item["name"], "rb") as file:
            rendition = opened(file.read())
        assert rendition.height > rendition.width  # portrait, as the photo was taken
        assert rendition.getpixel((rendition.width // 2, rendition.height // 5))[0] > 200  # red on top
        assert not rendition.getexif()


def test_code_storing_an_image_itself_goes_through_the_same_acceptance():
    """An importer calling `hero_image.save()` gets the same treatment as the admin."""
    article = ArticleFactory()
    article.hero_image.save("importee.jpg", ContentFile(phone_photo(orientation=1)), save=False)
    article.hero_alt = "Une photo importée"
    article.save()
    with article.hero_image.open("rb") as stored:
        original = opened(stored.read())
    assert original.size == (1600, 900)
    assert not original.getexif().get_ifd(GPS_IFD) and MAKE not in original.getexif()
    with pytest.raises(ValidationError, match="pas une image lisible"):
        article.hero_image.save("faux.jpg", ContentFile(b"pas une image"), save=False)


def test_a_sideways_photo_is_measured_upright():
    """Stored 1600 x 700 sideways, it is 700 pixels wide upright: too narrow for the page."""
    with pytest.raises(ValidationError, match="700 pixels de large"):
        accept_image(ContentFile(phone_photo(size=(1600, 700)), name="photo.jpg"))


def test_a_huge_canvas_in_a_small_file_is_refused():
    buffer = BytesIO()
    Image.new("L", (10_000, 7_000)).save(buffer, "PNG")
    assert len(buffer.getvalue()) < 1_000_000
    with pytest.raises(ValidationError, match="trop de pixels"):
        accept_image(ContentFile(buffer.getvalue(), name="immense.png"))
