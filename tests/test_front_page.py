"""The front page: one lead, then the top stories, the latest headlines and the sections;
the editors choose the lead and the order of the top stories."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.models import Article, FrontPage
from articles.services import front_page_arrange
from articles.workflow import article_unpublish

from .factories import ArticleFactory, SectionFactory, staff_member

pytestmark = pytest.mark.django_db


def ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


def lead_card(html):
    """The HTML of the card that opens the page (there must be exactly one)."""
    assert html.count("card--lead") == 1, "one lead, and only one"
    return html.split("card--lead", 1)[1].split("</article>", 1)[0]


def top_stories(html):
    block = html.split('class="front-top__stories"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="card__title"[^>]*><a href="[^"]+">([^<]+)</a>', block)


def latest_headlines(html):
    if 'class="front-latest"' not in html:
        return []
    block = html.split('class="front-latest"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="headline__title"[^>]*><a href="[^"]+">([^<]+)</a>', block)


def test_a_brief_without_an_image_does_not_open_the_page_for_being_newest(client):
    ArticleFactory(title="Le portrait illustré", illustrated=True, published_at=ago(60))
    ArticleFactory(title="Brève de deux lignes", standfirst="", published_at=ago(1))
    html = client.get("/").content.decode()
    assert "Le portrait illustré" in lead_card(html)
    assert "Brève de deux lignes" in latest_headlines(html)


def test_only_the_lead_is_set_large_and_loads_its_image_first(client):
    """The lead's size no longer leaks into every card of the page: one card--lead, one
    image fetched with high priority, every other image lazy."""
    section = SectionFactory()
    for minutes in range(1, 9):
        ArticleFactory(illustrated=True, section=section, published_at=ago(minutes))
    html = client.get("/").content.decode()
    lead_card(html)
    images = re.findall(r"<img [^>]+>", html)
    assert len(images) >= 5
    eager = [image for image in images if 'fetchpriority="high"' in image]
    assert len(eager) == 1 and "loading=" not in eager[0]
    assert eager[0] in lead_card(html)
    assert all('loading="lazy"' in image for image in images if image not in eager)


def test_the_editors_choose_the_lead_and_the_order_of_the_top_stories(client):
    editor = staff_member("Editors")
    first, second, third = (ArticleFactory(title=f"Choix {n}", published_at=ago(90 + n)) for n in range(3))
    ArticleFactory(title="Le plus récent, illustré", illustrated=True, published_at=ago(1))
    front_page_arrange(user=editor, articles=[third, first, second])
    html = client.get("/").content.decode()
    assert "Choix 2" in lead_card(html)
    assert top_stories(html)[:2] == ["Choix 0", "Choix 1"]
    # The rest of the top stories: the newest presentable pieces, then the latest news, none twice.
    assert top_stories(html)[2] == "Le plus récent, illustré"
    assert not {"Choix 0", "Choix 1", "Choix 2", "Le plus récent, illustré"} & set(latest_headlines(html))
    front_page = FrontPage.current()
    assert front_page.updated_by == editor and list(front_page.slots.values_list("position", flat=True)) == [1, 2, 3]


def test_a_chosen_piece_taken_offline_leaves_the_front_page(client):
    editor = staff_member("Editors")
    chosen, other = ArticleFactory(title="Choisi"), ArticleFactory(title="Autre choix")
    front_page_arrange(user=editor, articles=[chosen, other])
    assert "Choisi" in lead_card(client.get("/").content.decode())
    article_unpublish(user=editor, article=chosen)
    html = client.get("/").content.decode()
    assert "Choisi" not in html
    assert "Autre choix" in lead_card(html)


def test_a_new_arrangement_shows_at_once(client):
    """The front page is a cached fragment: arranging it retires the lists' scope."""
    editor = staff_member("Editors")
    first, second = ArticleFactory(title="Premier choix"), ArticleFactory(title="Second choix")
    front_page_arrange(user=editor, articles=[first, second])
    assert "Premier choix" in lead_card(client.get("/").content.decode())
    front_page_arrange(user=editor, articles=[second, first])
    assert "Second choix" in lead_card(client.get("/").content.decode())


def test_the_arrangement_is_checked():
    editor = staff_member("Editors")
    published, draft = ArticleFactory(title="En ligne"), ArticleFactory(title="Brouillon", status=Article.Status.DRAFT)
    with pytest.raises(ValidationError, match="figure deux fois"):
        front_page_arrange(user=editor, articles=[published, published])
    with pytest.raises(ValidationError, match="ni publié ni programmé"):
        front_page_arrange(user=editor, articles=[draft])
    with pytest.raises(ValidationError, match="places au plus"):
        front_page_arrange(user=editor, articles=ArticleFactory.create_batch(6))
    with pytest.raises(PermissionDenied):
        front_page_arrange(user=staff_member("Authors"), articles=[published])
    assert not FrontPage.current().slots.exists()


def slot_rows(*rows):
    data = {"slots-TOTAL_FORMS": str(len(rows)), "slots-INITIAL_FORMS": "0"}
    for index, (position, article) in enumerate(rows):
        data |= {f"slots-{index}-position": str(position), f"slots-{index}-article": str(article.pk)}
    return data


def test_an_editor_arranges_the_front_page_in_the_admin(client):
    editor = staff_member("Editors")
    lead, story = ArticleFactory(title="Ouverture choisie"), ArticleFactory(title="Seconde histoire")
    client.force_login(editor)
    front_page = FrontPage.current()
    assert client.get("/admin/articles/frontpage/").url == f"/admin/articles/frontpage/{front_page.pk}/change/"
    url = f"/admin/articles/frontpage/{front_page.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, slot_rows((2, story), (1, lead)))
    assert response.status_code == 302
    assert [slot.article for slot in front_page.slots.all()] == [lead, story]
    assert FrontPage.current().updated_by == editor
    assert "Ouverture choisie" in lead_card(client.get("/").content.decode())

    response = client.post(url, slot_rows((1, story), (2, story)))
    assert response.status_code == 200
    assert "figure deux fois" in response.content.decode()
    assert [slot.article for slot in front_page.slots.all()] == [lead, story]


@pytest.mark.parametrize("group", ["Authors", "Moderators"])
def test_only_editors_arrange_the_front_page(client, group):
    front_page = FrontPage.current()
    client.force_login(staff_member(group))
    url = f"/admin/articles/frontpage/{front_page.pk}/change/"
    article = ArticleFactory()
    assert client.post(url, slot_rows((1, article))).status_code == 403
    assert not front_page.slots.exists()
