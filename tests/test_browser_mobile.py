"""A phone's width (390 px): the section bar and the moderation queue stay usable."""

import pytest

from comments.models import Comment

from .browser import ARTIFACTS
from .factories import CommentFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
SECTIONS = ["Politique", "Économie", "International", "Sciences", "Culture", "Sport"]


def on_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})


def test_the_section_bar_scrolls_says_so_and_never_wraps(page):
    for position, name in enumerate(SECTIONS):
        SectionFactory(name=name, position=position)
    on_a_phone(page)
    page.goto(page.base_url + "/")
    page.screenshot(path=ARTIFACTS / "mobile-sections.png")
    bar = page.locator(".section-nav ul")
    heights = bar.locator("a").evaluate_all("links => links.map(link => link.getBoundingClientRect().height)")
    assert len(set(heights)) == 1, f"a section name wraps: {heights}"  # "FIL INFO" on two lines
    assert bar.evaluate("ul => ul.scrollWidth > ul.clientWidth")  # more sections than the screen holds
    assert "gradient" in bar.evaluate("ul => getComputedStyle(ul).maskImage || getComputedStyle(ul).webkitMaskImage")
    # Scrolled to the end, the last section stands clear of the fade.
    bar.evaluate("ul => { ul.scrollLeft = ul.scrollWidth; }")
    fade_starts = bar.evaluate("ul => ul.getBoundingClientRect().right - parseFloat(getComputedStyle(ul).paddingRight)")
    assert bar.get_by_role("link", name="Sport").evaluate("a => a.getBoundingClientRect().right") <= fade_starts + 1


def test_the_moderation_queue_scrolls_sideways_within_the_screen(page):
    # All rights rather than the Moderators group: transactional tests empty the tables
    # that migrations filled, and what is tested here is the layout.
    moderator = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(15):
        CommentFactory(status=Comment.Status.PENDING, body="Un commentaire qui attend la modération. " * 3)
    on_a_phone(page)
    page.goto(page.base_url + "/comptes/login/")
    page.get_by_label("Courriel").fill(moderator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()
    page.wait_for_url("**/compte/")
    page.goto(page.base_url + "/admin/comments/pendingcomment/")
    page.screenshot(path=ARTIFACTS / "mobile-moderation.png")
    results = page.locator("#changelist-form .results")
    assert results.evaluate("box => box.scrollWidth > box.clientWidth")  # wider than the phone
    # Its sideways scrollbar is within sight, not below the fifteenth row.
    assert results.evaluate("box => box.getBoundingClientRect().height") < 844
    assert results.evaluate("box => { box.scrollLeft = 400; return box.scrollLeft; }") > 0
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # the page itself does not
