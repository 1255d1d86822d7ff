"""The newsroom in the admin: each role against each action, through the admin's own views."""

import importlib.util
import re
import sys
from datetime import timedelta
from html import unescape
from io import BytesIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains

import newsreader.urls
from articles.models import Article, ArticleTransition
from comments.models import Comment

from .factories import (
    ArticleFactory,
    CommentFactory,
    SectionFactory,
    SourceFactory,
    SubscriptionFactory,
    UserFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client):
    return staff_member("Authors")


@pytest.fixture
def editor():
    return staff_member("Editors")


def form_data(article, **changes):
    """The article change form as the admin posts it."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "kicker": article.kicker,
        "standfirst": article.standfirst,
        "body": article.body,
        "hero_alt": article.hero_alt,
        "hero_caption": "",
        "hero_credit": "",
        "section": article.section_id or "",
        "source": article.source_id,
        "original_url": "",
        "access": article.access,
        "teaser_paragraphs": article.teaser_paragraphs,
        "comments_mode": article.comments_mode,
        "published_at_0": timezone.localtime(article.published_at).strftime("%d/%m/%Y") if article.published_at else "",
        "published_at_1": timezone.localtime(article.published_at).strftime("%H:%M:%S") if article.published_at else "",
        "picks-TOTAL_FORMS": "0",
        "picks-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_groups_exist_with_their_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Authors", "Editors", "Moderators"} <= names
    authors = set(Group.objects.get(name="Authors").permissions.values_list("codename", flat=True))
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert "publish_article" not in authors and "publish_article" in editors
    assert "add_subscription" in editors and "add_subscription" not in authors


def test_author_writes_a_draft_and_submits_it_but_cannot_publish(client, author):
    client.force_login(author)
    source, section = SourceFactory(), SectionFactory()
    response = client.post(
        "/admin/articles/article/add/",
        form_data(ArticleFactory.build(source=source, section=section, slug="mon-papier", title="Mon papier")),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="mon-papier")
    assert article.status == Article.Status.DRAFT and article.created_by == author

    client.post(f"/admin/articles/article/{article.pk}/change/", form_data(article, _step="publish"))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT  # publishing is not theirs

    client.post(f"/admin/articles/article/{article.pk}/change/", form_data(article, _step="submit"))
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    # Once submitted, the piece is the editors' to change: its author may read it, not edit it.
    page = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert page.status_code == 200
    assertContains(page, "Mon papier")
    assertNotContains(page, 'name="title"')
    assertNotContains(page, 'name="_save"')
    response = client.post(f"/admin/articles/article/{article.pk}/change/", form_data(article, title="Changé"))
    assert response.status_code == 403


def test_author_sees_only_their_own_articles(client, author):
    mine = ArticleFactory(created_by=author, status=Article.Status.DRAFT, title="Le mien")
    ArticleFactory(title="Celui d'un autre", status=Article.Status.DRAFT)
    client.force_login(author)
    html = client.get("/admin/articles/article/").content.decode()
    assert mine.title in html and "Celui d" not in html


@pytest.mark.parametrize(
    "url", ["/admin/subscriptions/subscription/", "/admin/comments/comment/", "/admin/auth/group/"]
)
def test_author_cannot_reach_other_desks(client, author, url):
    client.force_login(author)
    assert client.get(url).status_code == 403


def test_editor_publishes_with_a_record(client, editor):
    article = ArticleFactory(status=Article.Status.REVIEW, published_at=None)
    client.force_login(editor)
    client.post(
        f"/admin/articles/article/{article.pk}/change/",
        form_data(article, _step="publish", _note="Relu, bon pour diffusion"),
    )
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.is_published()
    transition = ArticleTransition.objects.get(article=article)
    assert (transition.user, transition.from_status, transition.to_status, transition.note) == (
        editor,
        "review",
        "published",
        "Relu, bon pour diffusion",
    )


def test_editor_schedules_without_any_job(client, editor):
    article = ArticleFactory(status=Article.Status.REVIEW, published_at=None)
    client.force_login(editor)
    later = timezone.localtime() + timedelta(hours=2)
    client.post(
        f"/admin/articles/article/{article.pk}/change/",
        form_data(
            article,
            _step="publish",
            published_at_0=later.strftime("%d/%m/%Y"),
            published_at_1=later.strftime("%H:%M:%S"),
        ),
    )
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.is_scheduled()
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assertContains(client.get("/admin/articles/article/?etat=programme"), "Programmé :")
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert Article.objects.published().filter(pk=article.pk).exists()  # its time came: visible


def test_publishing_with_gaps_asks_for_confirmation(client, editor):
    article = ArticleFactory(status=Article.Status.REVIEW, standfirst="", section=None)
    client.force_login(editor)
    response = client.post(f"/admin/articles/article/{article.pk}/change/", form_data(article, _step="publish"))
    assertContains(response, "Il n&#x27;y a pas de chapô.")
    assertContains(response, "aucune rubrique")
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    client.post(f"/admin/articles/article/{article.pk}/publier/")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_bulk_publish_leaves_out_pieces_to_look_at_first(client, editor):
    """The list's "Publier" action publishes what is ready and says which piece it left
    out and why, instead of publishing an article with no standfirst unseen."""
    ready = ArticleFactory(status=Article.Status.REVIEW)
    unready = ArticleFactory(status=Article.Status.REVIEW, standfirst="")
    client.force_login(editor)
    response = client.post(
        "/admin/articles/article/", {"action": "publish", "_selected_action": [ready.pk, unready.pk]}, follow=True
    )
    assertContains(response, f"« {escape(unready.title)} » n&#x27;est pas publié : Il n&#x27;y a pas de chapô.")
    ready.refresh_from_db()
    unready.refresh_from_db()
    assert (ready.status, unready.status) == (Article.Status.PUBLISHED, Article.Status.REVIEW)


def test_editor_unpublishes_and_returns_to_draft(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    client.post("/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.UNPUBLISHED
    assert client.get(article.get_absolute_url()).status_code == 404
    client.post("/admin/articles/article/", {"action": "return_to_draft", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert list(ArticleTransition.objects.filter(article=article).values_list("to_status", flat=True)) == [
        "draft",
        "unpublished",
    ]


def test_refused_transition_says_why(client, editor):
    article = ArticleFactory()  # already published
    client.force_login(editor)
    response = client.post(
        "/admin/articles/article/", {"action": "return_to_draft", "_selected_action": [article.pk]}, follow=True
    )
    assertContains(response, "cette étape n&#x27;est pas possible")


def test_editor_grants_a_subscription_that_follows_the_running_one(client, editor):
    """Granting goes through `subscription_grant()`: the new period starts when the reader's
    current one ends, and the grant is signed by the editor."""
    from subscriptions.models import Subscription

    running = SubscriptionFactory()
    client.force_login(editor)
    assert client.get("/admin/subscriptions/accesscode/generer/").status_code == 200
    response = client.post(
        "/admin/subscriptions/subscription/add/", {"user": running.user.pk, "plan": "", "days": "30", "note": "geste"}
    )
    assert response.status_code == 302
    granted = Subscription.objects.exclude(pk=running.pk).get()
    assert (granted.user, granted.origin, granted.granted_by, granted.note) == (running.user, "staff", editor, "geste")
    assert granted.starts_at == running.ends_at
    assert granted.ends_at == running.ends_at + timedelta(days=30)


def test_a_granted_subscriptions_dates_are_not_edited_by_hand(client, editor):
    subscription = SubscriptionFactory()
    client.force_login(editor)
    url = f"/admin/subscriptions/subscription/{subscription.pk}/change/"
    client.post(url, {"ends_at_0": "01/01/2099", "ends_at_1": "00:00:00", "note": "prolongé ?"})
    subscription.refresh_from_db()
    assert subscription.ends_at.year != 2099
    assert subscription.note == "prolongé ?"
    client.post("/admin/subscriptions/subscription/", {"action": "end_now", "_selected_action": [subscription.pk]})
    subscription.refresh_from_db()
    assert not subscription.is_active()
    assert str(editor) in subscription.note


@pytest.mark.parametrize("who", ["editor", "author_own", "author_other", "reader", "anonymous"])
def test_preview_for_staff_and_404_for_others(client, who):
    author = staff_member("Authors")
    draft = ArticleFactory(status=Article.Status.DRAFT, created_by=author, title="Brouillon secret")
    user = {
        "editor": lambda: staff_member("Editors"),
        "author_own": lambda: author,
        "author_other": lambda: staff_member("Authors"),
        "reader": UserFactory,
        "anonymous": lambda: None,
    }[who]()
    if user:
        client.force_login(user)
    response = client.get(f"/articles/{draft.slug}/apercu/")
    if who in ("editor", "author_own"):
        assert response.status_code == 200
        assertContains(response, "Aperçu")
        assertContains(response, "Brouillon secret")
        assertContains(response, '<meta name="robots" content="noindex, nofollow">')
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    else:
        assert response.status_code == 404


def test_preview_of_a_scheduled_article_says_when(client, editor):
    article = ArticleFactory(published_at=timezone.now() + timedelta(days=1))
    client.force_login(editor)
    assertContains(client.get(f"/articles/{article.slug}/apercu/"), "Publication programmée le")


def test_every_save_is_a_version_and_an_old_one_can_be_restored(client, editor):
    client.force_login(editor)
    article = ArticleFactory(title="Titre d'origine")
    article.title = "Titre corrigé"
    article.save()
    versions = list(article.history.order_by("history_date"))
    assert [version.title for version in versions] == ["Titre d'origine", "Titre corrigé"]
    compare = client.get(f"/admin/articles/article/{article.pk}/comparer/", {"a": versions[0].pk, "b": versions[1].pk})
    assertContains(compare, "Titre&nbsp;d'origine")
    assertContains(compare, "Titre corrigé")
    assertContains(compare, "Restaurer cette version")
    restore_url = f"/admin/articles/article/{article.pk}/history/{versions[0].pk}/"
    assert client.get(restore_url)["Location"].endswith(f"/comparer/?a={versions[0].pk}")
    response = client.post(restore_url, {"_note": "retour au titre validé"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Titre d'origine"
    assert article.status == Article.Status.PUBLISHED
    step = ArticleTransition.objects.get(article=article)
    assert step.user == editor and "restaurée" in step.note and "retour au titre validé" in step.note


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_author_cannot_read_or_overwrite_others_articles_through_the_version_page(client, method):
    """The attacker's path: simple-history's version page let any Author read any draft and
    post a form that rewrote a published piece, with no workflow step recorded."""
    author = staff_member("Authors")
    other = staff_member("Authors")
    draft = ArticleFactory(status=Article.Status.DRAFT, created_by=other, title="Brouillon d'un autre")
    published = ArticleFactory(created_by=author, access=Article.Access.SUBSCRIBERS, title="Papier publié")
    client.force_login(author)
    for article in (draft, published):
        version = article.history.first()
        url = f"/admin/articles/article/{article.pk}/history/{version.pk}/"
        data = form_data(article, title="Piraté", access=Article.Access.PUBLIC) if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code in (403, 404)
        assert "Brouillon d&#x27;un autre" not in response.content.decode()
        assert client.get(f"/admin/articles/article/{article.pk}/comparer/").status_code in (403, 404)
    published.refresh_from_db()
    assert (published.title, published.access) == ("Papier publié", Article.Access.SUBSCRIBERS)
    assert not ArticleTransition.objects.exists()


def test_an_author_sees_the_versions_of_their_own_draft_but_cannot_restore(client):
    author = staff_member("Authors")
    draft = ArticleFactory(status=Article.Status.DRAFT, created_by=author, title="Premier jet")
    draft.title = "Second jet"
    draft.save()
    client.force_login(author)
    older = draft.history.order_by("history_date").first()
    compare = client.get(f"/admin/articles/article/{draft.pk}/comparer/", {"a": older.pk})
    assertContains(compare, "Premier")
    assertNotContains(compare, "Restaurer cette version")
    assert client.post(f"/admin/articles/article/{draft.pk}/history/{older.pk}/").status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Second jet"


def test_a_published_pieces_time_moves_only_through_the_recorded_reschedule_step(client, editor):
    article = ArticleFactory()
    original_time = article.published_at
    client.force_login(editor)
    url = f"/admin/articles/article/{article.pk}/change/"
    later = timezone.localtime() + timedelta(days=2)
    client.post(url, form_data(article, published_at_0=later.strftime("%d/%m/%Y"), published_at_1="10:00:00"))
    article.refresh_from_db()
    assert article.published_at == original_time  # the form cannot move it
    response = client.post(
        url, form_data(article, _step="reschedule", _publish_at=later.strftime("%Y-%m-%dT%H:%M"), _note="embargo")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled()
    assert timezone.localtime(article.published_at).strftime("%Y-%m-%dT%H:%M") == later.strftime("%Y-%m-%dT%H:%M")
    step = ArticleTransition.objects.get(article=article)
    assert (step.from_status, step.to_status, step.note) == ("published", "published", "embargo")
    assert step.publish_at == article.published_at


def jpeg(width=1600, height=900):
    buffer = BytesIO()
    Image.new("RGB", (width, height), (120, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_image_upload_needs_alt_text_and_a_reasonable_size(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    url = f"/admin/articles/article/{article.pk}/change/"
    response = client.post(url, form_data(article, hero_image=jpeg(), hero_alt=""))
    assertContains(response, "le texte alternatif est obligatoire")
    response = client.post(url, form_data(article, hero_image=jpeg(width=300, height=200), hero_alt="Une photo"))
    assertContains(response, "800 au moins")
    response = client.post(url, form_data(article, hero_image=jpeg(), hero_alt="Une usine au petit matin"))
    assert response.status_code == 302
    article.refresh_from_db()
    widths = [item["width"] for item in article.hero_renditions["renditions"]]
    assert widths == [480, 800, 1200]
    assert all(item["name"].endswith(".webp") for item in article.hero_renditions["renditions"])
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'srcset="' in html and "480w" in html and "1200w" in html
    assert 'alt="Une usine au petit matin"' in html
    assert 'width="1600" height="900"' in html


def test_live_markdown_preview_endpoint(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/articles/article/apercu-markdown/", {"body": "## Titre\n\nDeux mots <script>x</script>"}
    )
    data = response.json()
    assert "<h2>Titre</h2>" in data["html"] and "<script>" not in data["html"]
    assert data["words"] == 3 and data["minutes"] == 1  # the script and its content are gone


def admin_figures(html):
    """The admin home's "Aujourd'hui" table, as {label: number}."""
    rows = re.findall(r'<th scope="row"><a href="[^"]*">([^<]+)</a></th><td[^>]*><strong>(-?\d+)</strong>', html)
    return {unescape(label): int(count) for label, count in rows}


def test_admin_home_shows_todays_figures(client, editor):
    """Each figure counts what it says, and only that (a figure stuck at any number fails)."""
    now = timezone.now()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    earlier_today = start_of_day + (now - start_of_day) / 2
    ArticleFactory.create_batch(2, status=Article.Status.REVIEW)
    ArticleFactory(status=Article.Status.DRAFT)
    ArticleFactory.create_batch(3, published_at=now + timedelta(hours=3))
    ArticleFactory.create_batch(4, published_at=earlier_today)
    yesterdays = ArticleFactory(published_at=start_of_day - timedelta(hours=1))
    SubscriptionFactory.create_batch(5)
    SubscriptionFactory(ends_at=now - timedelta(days=1))  # over
    CommentFactory.create_batch(6, article=yesterdays, status=Comment.Status.PENDING)
    reported = CommentFactory.create_batch(7, article=yesterdays)
    Comment.objects.filter(pk__in=[comment.pk for comment in reported]).update(report_count=1)
    CommentFactory(article=yesterdays)  # published, never reported

    client.force_login(editor)
    assert admin_figures(client.get("/admin/").content.decode()) == {
        "Articles en relecture": 2,
        "Articles programmés": 3,
        "Publiés aujourd'hui": 4,
        "Abonnés actifs": 5,
    }
    client.force_login(staff_member("Moderators"))
    assert admin_figures(client.get("/admin/").content.decode()) == {
        "Commentaires en attente": 6,
        "Commentaires signalés": 7,
    }


@pytest.mark.parametrize("where", ["admin", "preview"])
def test_staff_must_set_up_mfa_when_required(client, settings, editor, where):
    """The draft preview on the site shows the newsroom's work: guarded like the admin."""
    settings.NEWSREADER_STAFF_REQUIRE_MFA = True
    draft = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(editor)
    response = client.get("/admin/" if where == "admin" else f"/articles/{draft.slug}/apercu/")
    assert response.status_code == 302 and response["Location"].endswith("/comptes/2fa/")


def test_admin_path_is_configurable(client, settings, monkeypatch, editor):
    """With another ADMIN_PATH (DJANGO_ADMIN_PATH) the admin answers there, and /admin/ is
    no one's door. The URLconf is loaded afresh under another name; the site's own module
    is left as it is."""
    monkeypatch.setattr(admin.site, "login", admin.site.login)  # the URLconf wraps it again
    settings.ADMIN_PATH = "redaction-privee/"
    spec = importlib.util.spec_from_file_location("relocated_urls", newsreader.urls.__file__)
    relocated = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(relocated)
    monkeypatch.setitem(sys.modules, "relocated_urls", relocated)
    settings.ROOT_URLCONF = "relocated_urls"
    client.force_login(editor)
    assertContains(client.get("/redaction-privee/"), "Le bureau de la rédaction")
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/articles/article/").status_code == 404


def test_article_form_speaks_french(client, editor):
    """Every label of the article form is in French: the word count was "Word count"."""
    article = ArticleFactory()
    client.force_login(editor)
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    assertContains(response, "Nombre de mots")
    assert "Word count" not in response.content.decode()
