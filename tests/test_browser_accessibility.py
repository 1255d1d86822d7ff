"""axe-core in Chromium on every page type, and no Content-Security-Policy violation on any.

axe-core comes from the axe-playwright-python package (its bundled axe.min.js), so no
network is needed at test time. It is run through the DevTools protocol, which the page's
CSP does not govern; the page's own scripts and styles are, and any violation fails.
"""

from pathlib import Path

import axe_playwright_python
import pytest
from django.test import Client
from django.utils import timezone

from newsletters import services
from saved.models import SavedArticle

from .factories import ArticleFactory, CommentFactory, NewsletterFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def sign_in(page, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}])


def watch_csp(page):
    """The CSP violations the page reports to its console, as a list that fills as they come."""
    if not hasattr(page, "csp_errors"):
        page.csp_errors = []

        def note(message):
            if "Content Security Policy" in message.text:
                page.csp_errors.append(message.text)

        page.on("console", note)
    page.csp_errors.clear()
    return page.csp_errors


def audit(page, path):
    """The page's axe violations (rule: impact and the first offending nodes), and its CSP errors."""
    blocked = watch_csp(page)
    response = page.goto(page.base_url + path)
    assert response.status < 400, (path, response.status)
    page.evaluate(AXE)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = {
        violation["id"]: (violation["impact"], [node["target"] for node in violation["nodes"][:3]])
        for violation in results["violations"]
    }
    return violations, list(blocked)


@pytest.fixture
def site():
    article = ArticleFactory(title="Un article ouvert")
    gated = ArticleFactory(title="Un article réservé", access="subscribers", section=article.section)
    CommentFactory(article=article, author=UserFactory(display_name="Alex"), body="Un premier avis.")
    NewsletterFactory()  # the box under articles, the letters' page, the account's panel
    return {"article": article, "gated": gated}


def pages_of(site):
    article, gated = site["article"], site["gated"]
    return {
        "front page": "/",
        "list": article.section.get_absolute_url(),
        "article (public, with comments)": article.get_absolute_url(),
        "article (gated)": gated.get_absolute_url(),
        "login": "/comptes/login/",
        "sign-up": "/comptes/signup/",
        "newsletters": "/lettres/?email=camille%40example.org",
        "article in English": f"/en{article.get_absolute_url()}",
        "offline page": "/hors-ligne/",
    }


def test_anonymous_pages_pass_axe_without_csp_violations(page, site):
    for name, path in pages_of(site).items():
        violations, blocked = audit(page, path)
        assert violations == {}, name
        assert blocked == [], name


def test_signed_in_pages_pass_axe_without_csp_violations(page, site):
    reader = UserFactory(display_name="Camille")
    CommentFactory(article=site["article"], author=reader, body="Mon avis en attente.", status="pending")
    CommentFactory(article=site["article"], author=reader, body="Mon avis publié.")
    SavedArticle.objects.create(user=reader, article=site["gated"])
    sign_in(page, reader)
    pages = {
        "article with the comment form, own comments published and pending": site["article"].get_absolute_url(),
        "gated article, meter": site["gated"].get_absolute_url(),
        "account": "/compte/",
        "my comments": "/compte/commentaires/",
        "my list (Ma liste)": "/compte/ma-liste/",
        "saving, the confirmation step": f"/compte/ma-liste/{site['article'].slug}/",
        "a list with saved state marked": site["article"].section.get_absolute_url(),
        "subscription offer": "/abonnement/",
    }
    for name, path in pages.items():
        violations, blocked = audit(page, path)
        assert violations == {}, name
        assert blocked == [], name


def test_the_newsroom_admin_runs_under_the_csp(page, site):
    """Django's admin is CSP-ready; our additions to it (styles, the Markdown preview) too."""
    # A superuser: the newsroom's groups come from migrations, which transactional tests flush.
    sign_in(page, UserFactory(is_staff=True, is_superuser=True))
    article = site["article"]
    edition = services.edition_assemble(newsletter=NewsletterFactory(), day=timezone.localdate())
    for path in (
        "/admin/",
        f"/admin/newsletters/edition/{edition.pk}/change/",
        f"/admin/newsletters/edition/{edition.pk}/apercu/non-abonne/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{article.pk}/comparer/",
        "/admin/articles/article/",
    ):
        blocked = watch_csp(page)
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
        assert blocked == [], path
    # The live preview (a fetch to the site) still works.
    page.goto(page.base_url + f"/admin/articles/article/{article.pk}/change/")
    page.locator("#id_body").fill("Un **aperçu** en direct.")
    page.locator(".markdown-preview strong", has_text="aperçu").wait_for()
