"""Rate limits per account, and concurrent posting that loses nothing (SQLite and PostgreSQL)."""

import threading

import pytest
from django.db import connection

from comments import services
from comments.models import Comment

from .factories import ArticleFactory, UserFactory, moderation_rules


@pytest.mark.django_db
def test_second_post_within_10_seconds_is_refused_with_429_and_the_text_kept(client):
    moderation_rules(new_commenter_threshold=0)
    client.force_login(UserFactory())
    article = ArticleFactory()
    first = client.post(f"/commentaires/articles/{article.slug}/", {"text": "Premier avis."})
    assert first.status_code == 302
    second = client.post(f"/commentaires/articles/{article.slug}/", {"text": "Deuxième avis, trop vite."})
    assert second.status_code == 429
    html = second.content.decode()
    assert "Vous commentez très vite" in html
    assert "Deuxième avis, trop vite." in html
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_hourly_limit(settings):
    settings.NEWSREADER_COMMENT_RATE_LIMITS = [(3, 3600)]
    moderation_rules(new_commenter_threshold=0)
    user, article = UserFactory(), ArticleFactory()
    for n in range(3):
        services.comment_create(user=user, article=article, text=f"Avis {n}")
    with pytest.raises(services.RateLimited, match="limite de 3 commentaires en 60 minutes"):
        services.comment_create(user=user, article=article, text="Avis de trop")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("no_comment_rate_limits")
def test_concurrent_posting_by_several_accounts_loses_no_comment():
    moderation_rules(new_commenter_threshold=0)
    article = ArticleFactory()
    users = UserFactory.create_batch(6)
    barrier = threading.Barrier(len(users))
    errors = []

    def write(user):
        try:
            barrier.wait()
            for n in range(3):
                services.comment_create(user=user, article=article, text=f"Avis {n} de {user.pk}")
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Comment.objects.filter(article=article).count() == 18
