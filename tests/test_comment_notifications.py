"""Replies and featuring are e-mailed by the background worker, in the reader's language."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from comments import services

from .factories import ArticleFactory, CommentFactory, UserFactory, moderation_rules

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_comment_rate_limits")]


def notifications():
    """The e-mails queued for the worker (a published article also queues its audio)."""
    return DBTaskResult.objects.filter(task_path__startswith="comments.tasks.")


def run_worker():
    call_command("db_worker", batch=True, verbosity=0)


def test_reply_is_emailed_by_the_worker_not_the_request(client):
    moderation_rules(new_commenter_threshold=0)
    author = UserFactory(language="en")
    root = CommentFactory(author=author, article=ArticleFactory(title="Une enquête"))
    client.force_login(UserFactory(display_name="Camille"))
    client.post(f"/commentaires/{root.pk}/repondre/", {"text": "Je ne suis pas d'accord."})
    assert mail.outbox == []  # nothing is sent inside the request
    assert notifications().count() == 1
    run_worker()
    message = mail.outbox[-1]
    assert message.to == [author.email]
    assert "New reply to your comment" in message.subject
    assert "Camille replied to your comment" in message.body
    assert "Je ne suis pas d" in message.alternatives[0][0]
    assert "/en/compte/" in message.body


def test_featured_comment_is_emailed_in_french():
    author = UserFactory(language="fr")
    comment = CommentFactory(author=author)
    services.comments_feature(moderator=UserFactory(is_staff=True), comments=[comment])
    run_worker()
    assert "Choix de la rédaction" in mail.outbox[-1].subject


def test_readers_can_opt_out():
    author = UserFactory(comment_notifications=False)
    comment = CommentFactory(author=author)
    services.comments_feature(moderator=UserFactory(is_staff=True), comments=[comment])
    run_worker()
    assert mail.outbox == []


def test_no_email_for_replying_to_oneself():
    moderation_rules(new_commenter_threshold=0)
    author = UserFactory()
    root = CommentFactory(author=author)
    services.comment_create(user=author, article=root.article, text="Je précise.", reply_to=root)
    assert notifications().count() == 0
