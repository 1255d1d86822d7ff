""" "L'essentiel": an extractive summary computed on save, gated like the text, and the
newsroom's steps on it (rewrite and mark checked, compute again)."""

import time

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles import aids
from articles.models import Article
from articles.summary import split_sentences, summarize

from .factories import ArticleFactory, SubscriptionFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db

# (No apostrophes: the Markdown renderer turns them into typographic ones.)
OPEN = [
    "Le conseil municipal de Besançon a voté mardi un plan pour rénover les écoles de la ville.",
    "Le plan de rénovation des écoles coûtera vingt millions sur cinq ans, selon la mairie.",
    "Les parents saluent un plan attendu depuis longtemps pour les écoles les plus anciennes.",
]
GATED = [
    "Le chantier le plus cher concerne le groupe scolaire Victor-Hugo, fermé depuis janvier pour raisons de sécurité.",
    "Selon nos informations, la mairie négocie avec le ministère une aide pour la rénovation des écoles.",
    "Les travaux des écoles commenceront cet été, quand les élèves seront en vacances.",
    "Les élus de la minorité dénoncent un plan de rénovation trop tardif pour les écoles.",
]
BODY = "\n\n".join([" ".join(OPEN[:2]), OPEN[2], *GATED])


def gated(**kwargs):
    return ArticleFactory(
        access=Article.Access.SUBSCRIBERS,
        teaser_paragraphs=2,
        standfirst="La ville rénove ses écoles.",
        body=BODY,
        **kwargs,
    )


def summary_shown(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    block = html.split('id="essentiel"', 1)[1].split("</ul>", 1)[0]
    return [sentence for sentence in [*OPEN, *GATED] if sentence in block]


# The sentence splitter ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("M. Dupont est arrivé. Il repart.", ["M. Dupont est arrivé.", "Il repart."]),
        ("Mme Martin et le Dr Roux ont signé. Ensuite ?", ["Mme Martin et le Dr Roux ont signé.", "Ensuite ?"]),
        ("Il a dit : « Nous partirons. » Puis il est parti.", ["Il a dit : « Nous partirons. »", "Puis il est parti."]),
        ("Né en 52 av. J.-C. à Rome. Il y meurt.", ["Né en 52 av. J.-C. à Rome.", "Il y meurt."]),
        ("Le taux passe à 3.5 % en 2024. C'est beaucoup.", ["Le taux passe à 3.5 % en 2024.", "C'est beaucoup."]),
        ("Il hésita… puis se tut. Fin.", ["Il hésita… puis se tut.", "Fin."]),
        ("J. K. Rowling écrit. Elle publie !", ["J. K. Rowling écrit.", "Elle publie !"]),
        ("Arrivé à 10 h. Reparti à midi.", ["Arrivé à 10 h.", "Reparti à midi."]),
        ("Quoi\u00a0? Rien\u202f! Voilà.", ["Quoi ?", "Rien !", "Voilà."]),
    ],
)
def test_french_sentences_are_split_where_they_end(text, sentences):
    assert split_sentences(text) == sentences


def test_summary_is_three_of_the_texts_own_sentences_in_its_order():
    paragraphs = [f"<p>{sentence}</p>" for sentence in [*OPEN, *GATED]]
    points = summarize(lead="La ville rénove ses écoles.", blocks=paragraphs)
    assert len(points) == 3
    assert all(point in [*OPEN, *GATED] for point in points)
    assert points == sorted(points, key=[*OPEN, *GATED].index)
    # The sentences most of the text leans on (schools, the plan), not the aside about the opposition.
    assert OPEN[1] in points


def test_summary_skips_headings_and_repeated_sentences():
    blocks = [
        "<h2>« Un intertitre sans point final »</h2>",
        *(f"<p>{OPEN[0]}</p>" for _ in range(4)),
        f"<p>{OPEN[1]}</p>",
    ]
    points = summarize(blocks=blocks)
    assert points == [OPEN[0], OPEN[1]]


def test_summary_of_a_long_article_is_quick():
    blocks = [f"<p>{' '.join(OPEN + GATED)}</p>"] * 20  # 140 sentences, ~2,400 words
    started = time.perf_counter()
    summarize(blocks=blocks)
    assert time.perf_counter() - started < 2


# Gated like the text ------------------------------------------------------------------


def test_public_summary_is_made_of_the_public_view_only():
    article = gated()
    assert article.summary_public
    for point in article.summary_public:
        assert point in article.public_view.text
    assert not any(sentence in point for point in article.summary_public for sentence in GATED)
    # The full summary may draw on the whole text.
    assert any(sentence in article.summary_full for sentence in GATED)


def test_reader_not_entitled_gets_the_summary_of_the_public_part(client):
    article = gated()
    shown = summary_shown(client, article)
    assert shown and set(shown) <= set(OPEN)
    assertContains(client.get(article.get_absolute_url()), "Elles portent sur la partie de l'article en accès libre.")
    client.force_login(SubscriptionFactory().user)
    assert set(summary_shown(client, article)) & set(GATED)


def test_metered_reader_without_free_articles_gets_the_public_summary(client, settings):
    settings.NEWSREADER_FREE_ARTICLES_PER_MONTH = 0
    client.force_login(UserFactory())
    assert set(summary_shown(client, gated())) <= set(OPEN)


def test_public_article_has_one_summary():
    article = ArticleFactory(body="\n\n".join(OPEN + GATED))
    assert article.summary_full == []
    assert article.summary_for(full=True) == article.summary_for(full=False) == article.summary_public


def test_summary_follows_the_text_and_the_teaser_length():
    article = gated()
    article.teaser_paragraphs = 1
    article.save()
    assert all(point in article.public_view.text for point in article.summary_public)
    assert not any(sentence in article.summary_public for sentence in OPEN[2:])


# The newsroom ------------------------------------------------------------------------


def test_summary_is_labelled_automatic_until_an_editor_checks_it(client):
    article = ArticleFactory(body="\n\n".join(OPEN))
    assertContains(client.get(article.get_absolute_url()), "Résumé automatique")
    editor = staff_member("Editors")
    client.force_login(editor)
    url = f"/admin/articles/article/{article.pk}/essentiel/"
    response = client.post(url, {"public_text": "Besançon rénove ses écoles.\n\n  Vingt millions en cinq ans.  "})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.summary_public == ["Besançon rénove ses écoles.", "Vingt millions en cinq ans."]
    assert article.summary_checked_by == editor
    assert article.history.count() == 1  # a checked summary is no new version of the article
    client.logout()
    response = client.get(article.get_absolute_url())
    assertContains(response, "<li>Vingt millions en cinq ans.</li>", html=True)
    assertNotContains(response, "Résumé automatique")
    assertContains(response, "relues par la rédaction")


def test_editor_checks_both_summaries_of_a_gated_piece(client):
    article = gated()
    client.force_login(staff_member("Editors"))
    url = f"/admin/articles/article/{article.pk}/essentiel/"
    assertContains(client.get(url), 'id="id_full_text"')
    response = client.post(url, {"public_text": "Le point public.", "full_text": ""})
    assertContains(response, "Ce champ est obligatoire.")
    client.post(url, {"public_text": "Le point public.", "full_text": "Le point réservé."})
    article.refresh_from_db()
    assert (article.summary_public, article.summary_full) == (["Le point public."], ["Le point réservé."])
    client.logout()
    assertContains(client.get(article.get_absolute_url()), "Le point public.")
    assertNotContains(client.get(article.get_absolute_url()), "Le point réservé.")


def test_text_change_computes_the_summary_again_and_it_is_automatic_again():
    article = gated()
    aids.article_summary_edit(user=staff_member("Editors"), article=article, public_text="A.", full_text="B.")
    article.refresh_from_db()
    article.title = "Un autre titre"
    article.save()
    article.refresh_from_db()
    assert article.summary_is_checked  # the title is not what the summary sums up
    article.body = BODY + "\n\nUn dernier paragraphe ajouté par la rédaction ce matin même."
    article.save()
    article.refresh_from_db()
    assert not article.summary_is_checked
    assert article.summary_public != ["A."]


def test_recompute_from_the_admin(client):
    article = ArticleFactory(body="\n\n".join(OPEN))
    editor = staff_member("Editors")
    aids.article_summary_edit(user=editor, article=article, public_text="Un point écrit à la main.")
    client.force_login(editor)
    client.post(f"/admin/articles/article/{article.pk}/essentiel/", {"_recompute": "1"})
    article.refresh_from_db()
    assert not article.summary_is_checked and set(article.summary_public) <= set(OPEN)
    aids.article_summary_edit(user=editor, article=article, public_text="Encore à la main.")
    client.post(
        "/admin/articles/article/", {"action": "recompute_summaries", "_selected_action": [article.pk]}, follow=True
    )
    article.refresh_from_db()
    assert not article.summary_is_checked


def test_only_editors_mark_a_summary_checked(client):
    author = staff_member("Authors")
    article = ArticleFactory(status=Article.Status.DRAFT, created_by=author, body="\n\n".join(OPEN))
    client.force_login(author)
    url = f"/admin/articles/article/{article.pk}/essentiel/"
    assertNotContains(client.get(url), "Enregistrer et marquer comme vérifié")
    client.post(url, {"public_text": "Mon résumé."})
    article.refresh_from_db()
    assert not article.summary_is_checked
    assert client.get(f"/admin/articles/article/{ArticleFactory().pk}/essentiel/").status_code in (302, 403, 404)


def test_change_form_shows_the_summary_and_its_state(client):
    article = ArticleFactory(body="\n\n".join(OPEN))
    client.force_login(staff_member("Editors"))
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    assertContains(response, "Résumé automatique, pas encore vérifié")
    assertContains(response, f"/admin/articles/article/{article.pk}/essentiel/")
