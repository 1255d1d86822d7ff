""" "Écouter": the background worker reads articles aloud with espeak-ng, and the site serves
each reader the rendition the access rule gives them, in ranges a player can seek in."""

import io
import stat

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from mutagen.mp3 import MP3
from pytest_django.asserts import assertContains, assertNotContains

from articles import aids
from articles.audio import speech_text
from articles.models import Article, ArticleAudio

from .factories import ArticleFactory, SubscriptionFactory, UserFactory

# The background worker runs here as in production (`manage.py db_worker`), which needs
# committed data: each test commits, and on_commit hooks (the queuing) run at once.
pytestmark = pytest.mark.django_db(transaction=True)

OPEN = ["Le premier paragraphe est ouvert à tous les lecteurs.", "Le second paragraphe est encore offert."]
GATED = [
    "Le troisième paragraphe est réservé aux abonnés du journal.",
    "Le quatrième paragraphe révèle la fin de l'enquête.",
]


@pytest.fixture
def voice(settings, tmp_path, speech_tools):
    """espeak-ng behind a wrapper that keeps a copy of each text it is handed, so a test
    can read exactly what the voice was asked to say."""
    espeak = speech_tools
    texts = tmp_path / "texts"
    texts.mkdir()
    wrapper = tmp_path / "espeak-ng"
    wrapper.write_text(
        f'#!/bin/sh\nfile=$(mktemp "{texts}/text-XXXXXX")\ncat > "$file"\nexec {espeak} "$@" < "$file"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    settings.NEWSREADER_ESPEAK = str(wrapper)

    def heard():
        return sorted((path.read_text() for path in texts.iterdir()), key=len)

    return heard


def gated(**kwargs):
    return ArticleFactory(
        access=Article.Access.SUBSCRIBERS,
        teaser_paragraphs=2,
        title="Une enquête sur les écoles",
        standfirst="Le chapô est public.",
        body="\n\n".join(OPEN + GATED),
        **kwargs,
    )


def editor():
    # A transactional test starts without the groups the migrations create.
    return UserFactory(is_staff=True, is_superuser=True)


def run_worker():
    call_command("db_worker", batch=True, verbosity=0)


def published_and_rendered(make=gated):
    """A published article, and the worker's queue run."""
    article = make()
    run_worker()
    article.refresh_from_db()
    return article


# What the voice reads ------------------------------------------------------------------


def test_public_rendition_says_the_public_part_and_no_more():
    article = gated()
    public = speech_text(article, full=False)
    assert public.splitlines() == [
        "Une enquête sur les écoles.",
        "Le chapô est public.",
        *OPEN,
        "La suite de cet article est réservée aux abonnés.",
    ]
    full = speech_text(article, full=True)
    assert all(sentence.replace("'", "’") in full for sentence in GATED)


def test_saving_a_published_article_has_the_worker_read_it(voice):
    article = gated()
    assert DBTaskResult.objects.count() == 1  # queued, not made inside the request
    assert not ArticleAudio.objects.exists()
    run_worker()
    public, full = voice()
    assert "Le second paragraphe est encore offert." in public
    assert not any(sentence.replace("'", "’") in public for sentence in GATED)
    assert "réservée aux abonnés" in public
    assert all(sentence.replace("'", "’") in full for sentence in GATED)
    audio = ArticleAudio.objects.get(article=article)
    assert audio.made_from == Article.objects.get(pk=article.pk).speech_fingerprint


def test_audio_is_a_real_mp3_of_plausible_duration(voice):
    article = published_and_rendered()
    audio = article.audio
    for field, seconds, words in [
        (audio.public_file, audio.public_seconds, len(speech_text(article, full=False).split())),
        (audio.full_file, audio.full_seconds, len(speech_text(article, full=True).split())),
    ]:
        field.open("rb")
        data = field.read()
        field.close()
        mp3 = MP3(io.BytesIO(data))
        assert mp3.info.channels == 1
        assert mp3.info.bitrate == 32000
        # About 165 words a minute, pauses included: between 80 and 300 words a minute.
        assert words / 300 * 60 < mp3.info.length < words / 80 * 60
        assert abs(mp3.info.length - seconds) < 0.5
        assert len(data) < 32000 / 8 * (seconds + 1)  # compressed: 4 KB a second at most
    assert audio.full_seconds > audio.public_seconds + 3


def test_reader_not_entitled_is_served_the_public_rendition(client, voice):
    article = published_and_rendered()
    audio = article.audio
    url = f"/articles/{article.slug}/ecouter/"

    def served(client):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "audio/mpeg"
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
        return b"".join(response.streaming_content)

    public, full = (field.open("rb").read() for field in (audio.public_file, audio.full_file))
    assert served(client) == public
    client.force_login(UserFactory())  # free articles left, but the player spends none
    assert served(client) == public
    client.force_login(SubscriptionFactory().user)
    assert served(client) == full


def test_page_shows_the_player_with_its_duration(client, voice):
    article = published_and_rendered()
    seconds = int(article.audio.public_seconds)
    response = client.get(article.get_absolute_url())
    assertContains(response, f'src="/articles/{article.slug}/ecouter/"')
    assertContains(response, f'<time datetime="PT{seconds // 60}M{seconds % 60}S">')
    assertNotContains(response, "listen-fallback")
    client.force_login(SubscriptionFactory().user)
    full = int(article.audio.full_seconds)
    assertContains(client.get(article.get_absolute_url()), f'datetime="PT{full // 60}M{full % 60}S"')


def test_player_seeks_with_byte_ranges(client, voice):
    article = published_and_rendered()
    url = f"/articles/{article.slug}/ecouter/"
    whole = b"".join(client.get(url).streaming_content)
    size = len(whole)
    response = client.get(url, headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{size}"
    assert response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == whole[100:200]
    response = client.get(url, headers={"Range": "bytes=-50"})
    assert b"".join(response.streaming_content) == whole[-50:]
    response = client.get(url, headers={"Range": f"bytes={size - 10}-"})
    assert response["Content-Length"] == "10"
    response = client.get(url, headers={"Range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"
    # A validator of another rendition (the reader subscribed meanwhile): the whole file.
    response = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"full-0000"'})
    assert response.status_code == 200
    etag = response["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.head(url).status_code == 200


def test_until_the_audio_is_ready_the_page_offers_the_browsers_voice(client):
    article = gated()
    response = client.get(article.get_absolute_url())
    assertContains(response, "La version audio de cet article est en préparation")
    assertContains(response, 'class="button button--small button--secondary listen-fallback" hidden')
    assertContains(response, "/static/js/listen.js")
    assertNotContains(response, "<audio")
    assert client.get(f"/articles/{article.slug}/ecouter/").status_code == 404


def test_audio_of_an_older_text_is_never_served(client, voice):
    """A shorter teaser would make the old public rendition say too much: it is stale at once."""
    article = published_and_rendered()
    url = f"/articles/{article.slug}/ecouter/"
    assert client.get(url).status_code == 200
    article.teaser_paragraphs = 1
    article.save()
    assert client.get(url).status_code == 404
    assertContains(client.get(article.get_absolute_url()), "listen-fallback")
    run_worker()
    assert client.get(url).status_code == 200
    newest_public = voice()[0]  # the shortest text read: the new, shorter public part
    assert OPEN[0] in newest_public and OPEN[1] not in newest_public


def test_drafts_are_not_read_aloud_until_published(voice):
    from articles import workflow

    article = gated(status=Article.Status.DRAFT, published_at=None)
    assert not DBTaskResult.objects.exists()
    workflow.article_publish(user=editor(), article=article)
    run_worker()
    assert ArticleAudio.objects.filter(article=article).exists()


def test_editor_has_the_audio_made_again(client, voice):
    article = published_and_rendered()
    before = len(voice())
    client.force_login(editor())
    response = client.post(f"/admin/articles/article/{article.pk}/essentiel/", {"_rerender": "1"}, follow=True)
    assertContains(response, "L&#x27;audio sera refait par le traitement de fond.")
    run_worker()
    assert len(voice()) == before + 2
    client.post("/admin/articles/article/", {"action": "rerender_audio", "_selected_action": [article.pk]})
    run_worker()
    assert len(voice()) == before + 4


def test_unchanged_text_is_not_read_again(voice):
    article = published_and_rendered()
    article.save()
    aids.reading_aids_backfill()
    run_worker()
    assert len(voice()) == 2


def test_backfill_gives_older_articles_their_aids(voice):
    article = ArticleFactory(body="\n\n".join(OPEN))
    Article.objects.filter(pk=article.pk).update(summary_public=[], summary_made_from="", speech_fingerprint="")
    assert aids.reading_aids_backfill() == (1, 1)
    run_worker()
    article.refresh_from_db()
    assert article.summary_public and article.audio_for(full=False)


def test_deleting_an_article_deletes_its_audio_files(voice):
    article = published_and_rendered()
    storage, names = article.audio.public_file.storage, [article.audio.public_file.name, article.audio.full_file.name]
    assert all(storage.exists(name) for name in names)
    article.delete()
    assert not any(storage.exists(name) for name in names)
