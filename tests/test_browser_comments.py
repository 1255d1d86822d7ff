import pytest

from .browser import ARTIFACTS
from .factories import ArticleFactory, CommentFactory, UserFactory, moderation_rules

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("no_comment_rate_limits"),
]
PASSWORD = "correct horse battery staple"


def test_sign_in_comment_reply_recommend_and_see_counts_change(page):
    moderation_rules(new_commenter_threshold=0)
    article = ArticleFactory(title="Un débat")
    CommentFactory(article=article, author=UserFactory(display_name="Alex"), body="Premier avis d'Alex.")
    reader = UserFactory(display_name="Camille")

    page.goto(page.base_url + article.get_absolute_url())
    assert page.locator(".comments__count").inner_text() == "(1)"
    page.locator(".comments").get_by_role("link", name="Se connecter").click()
    page.get_by_label("Courriel").fill(reader.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()
    page.wait_for_url(f"**{article.get_absolute_url()}**")

    # With JavaScript the page posts, replies and recommends in place, without reloading.
    url = page.url
    page.get_by_label("Votre commentaire").fill("Mon *premier* commentaire.")
    page.get_by_role("button", name="Publier", exact=True).click()
    page.locator(".comments__list .comment", has_text="Mon premier commentaire.").wait_for()
    assert page.locator(".comments__count").inner_text() == "(2)"
    assert page.locator(".comments__status").inner_text() == "Votre commentaire est publié."
    assert page.get_by_label("Votre commentaire").input_value() == ""

    alex = page.locator(".comment", has_text="Premier avis d'Alex.").first
    alex.get_by_role("link", name="Répondre").first.click()
    page.get_by_label("Votre réponse").fill("Je vous réponds, Alex.")
    page.get_by_role("button", name="Publier ma réponse").click()
    page.locator(".comments__replies").get_by_text("Je vous réponds, Alex.").wait_for()
    assert page.locator(".comments__count").inner_text() == "(3)"

    alex = page.locator(".comment", has_text="Premier avis d'Alex.").first
    recommendations = alex.locator(".comment__recommendations").first
    assert recommendations.inner_text().strip() == "0 recommandation"
    alex.get_by_role("button", name="Recommander").first.click()
    page.wait_for_function("el => el.textContent.trim() === '1 recommandation'", arg=recommendations.element_handle())
    assert page.url == url  # never reloaded
    page.screenshot(path=ARTIFACTS / "comments.png", full_page=True)


def test_the_whole_discussion_works_without_javascript(page):
    """Every page works without JavaScript: a reader with it switched off signs in, posts,
    replies and recommends through plain forms and redirects."""
    moderation_rules(new_commenter_threshold=0)
    article = ArticleFactory(title="Sans JavaScript")
    CommentFactory(article=article, author=UserFactory(display_name="Alex"), body="Avis d'Alex.")
    reader = UserFactory()
    context = page.context.browser.new_context(java_script_enabled=False, locale="fr-FR")
    plain = context.new_page()
    plain.goto(page.base_url + f"/comptes/login/?next={article.get_absolute_url()}")
    plain.get_by_label("Courriel").fill(reader.email)
    plain.get_by_label("Mot de passe").fill(PASSWORD)
    plain.get_by_role("button", name="Connexion", exact=True).click()
    plain.wait_for_url(f"**{article.get_absolute_url()}")
    plain.get_by_label("Votre commentaire").fill("Posté sans script.")
    plain.get_by_role("button", name="Publier").click()
    plain.wait_for_url("**#commentaire-*")
    assert plain.locator(".comments__count").inner_text() == "(2)"
    alex = plain.locator(".comment", has_text="Avis d'Alex.").first
    alex.get_by_role("button", name="Recommander").first.click()
    plain.wait_for_url("**#commentaire-*")
    alex = plain.locator(".comment", has_text="Avis d'Alex.").first
    assert alex.locator(".comment__recommendations").first.inner_text().strip() == "1 recommandation"
    context.close()


def test_in_place_errors_replace_the_last_success_and_a_recommendation_shows_as_given(page, settings):
    """After a refusal (429) the status no longer says the comment is published; one's own
    comments offer no "Recommander"; a recommendation given is shown as such, pressed,
    after a reload too, and taken back with a second click."""
    settings.NEWSREADER_COMMENT_RATE_LIMITS = [(1, 86400)]
    moderation_rules(new_commenter_threshold=0)
    article = ArticleFactory(title="Un débat vif")
    CommentFactory(article=article, author=UserFactory(display_name="Alex"), body="Avis d'Alex.")
    reader = UserFactory()
    CommentFactory(article=article, author=reader, body="Mon ancien avis.")
    page.goto(page.base_url + f"/comptes/login/?next={article.get_absolute_url()}")
    page.get_by_label("Courriel").fill(reader.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()
    page.wait_for_url(f"**{article.get_absolute_url()}")

    mine = page.locator(".comment", has_text="Mon ancien avis.")
    assert mine.get_by_role("button", name="Recommander").count() == 0

    status = page.locator(".comments__status")
    page.get_by_label("Votre commentaire").fill("Un premier avis.")
    page.get_by_role("button", name="Publier", exact=True).click()
    page.locator(".comments__list .comment", has_text="Un premier avis.").wait_for()
    assert status.inner_text() == "Votre commentaire est publié."
    page.get_by_label("Votre commentaire").fill("Un second avis, trop tôt.")
    page.get_by_role("button", name="Publier", exact=True).click()
    page.locator(".comment-form .errorlist").wait_for()
    assert "Réessayez plus tard" in page.locator(".comment-form .errorlist").inner_text()
    assert status.inner_text() == ""
    assert page.get_by_label("Votre commentaire").input_value() == "Un second avis, trop tôt."

    def alex_button():
        return page.locator(".comment", has_text="Avis d'Alex.").first.locator("button.recommend").first

    assert alex_button().get_attribute("aria-pressed") == "false"
    alex_button().click()
    page.locator('button.recommend[aria-pressed="true"]').wait_for()
    assert alex_button().inner_text().strip() == "Recommandé"
    page.reload()
    assert alex_button().get_attribute("aria-pressed") == "true"
    assert alex_button().inner_text().strip() == "Recommandé"
    page.screenshot(path=ARTIFACTS / "comments-recommended.png", full_page=True)
    alex_button().click()
    page.locator('button.recommend[aria-pressed="false"]').wait_for()
    assert alex_button().inner_text().strip() == "Recommander"
