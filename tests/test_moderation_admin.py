"""Moderators work in the admin's comment queues, and can touch nothing else."""

import pytest
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, ModerationLog

from .factories import ArticleFactory, CommentFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(client):
    user = staff_member("Moderators")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "url",
    [
        "/admin/comments/comment/",
        "/admin/comments/pendingcomment/",
        "/admin/comments/reportedcomment/",
        "/admin/comments/commenterstanding/",
        "/admin/comments/moderationlog/",
        "/admin/comments/moderationsettings/1/change/",
    ],
)
def test_moderators_reach_their_queues(client, moderator, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        "/admin/subscriptions/subscription/",
        "/admin/accounts/user/",
        "/admin/auth/group/",
    ],
)
def test_moderators_can_touch_nothing_else(client, moderator, url):
    assert client.get(url).status_code == 403


def test_pending_queue_lists_only_pending(client, moderator):
    CommentFactory(status=Comment.Status.PENDING, body="À valider")
    CommentFactory(body="Déjà publié")
    html = client.get("/admin/comments/pendingcomment/").content.decode()
    assert "À valider" in html and "Déjà publié" not in html


def test_bulk_reject_requires_a_reason_and_is_logged(client, moderator):
    comments = CommentFactory.create_batch(2, article=ArticleFactory())
    ids = [str(comment.pk) for comment in comments]
    client.post("/admin/comments/comment/", {"action": "reject", "_selected_action": ids, "reason": ""})
    assert not Comment.objects.filter(status=Comment.Status.REJECTED).exists()
    client.post("/admin/comments/comment/", {"action": "reject", "_selected_action": ids, "reason": "Hors charte"})
    assert Comment.objects.filter(status=Comment.Status.REJECTED, rejection_reason="Hors charte").count() == 2
    assert ModerationLog.objects.filter(action="reject", actor=moderator).count() == 2


def test_bulk_feature_and_approve(client, moderator):
    pending = CommentFactory(status=Comment.Status.PENDING)
    client.post("/admin/comments/pendingcomment/", {"action": "approve", "_selected_action": [pending.pk]})
    client.post("/admin/comments/comment/", {"action": "feature", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PUBLISHED and pending.is_featured


def test_ban_from_the_queue(client, moderator):
    comment = CommentFactory()
    client.post(
        "/admin/comments/comment/",
        {"action": "ban_authors", "_selected_action": [comment.pk], "reason": "Harcèlement"},
    )
    assert comment.author.commenter_standing.banned


def test_a_comment_with_braces_opens_in_the_admin(client, moderator):
    """The comment's rendered text is shown as it is (it was sanitized on save), never used
    as a format string: braces in a reader's text once broke the page."""
    comment = CommentFactory(body="Un ensemble {a, b} et des accolades {}")
    response = client.get(f"/admin/comments/comment/{comment.pk}/change/")
    assert response.status_code == 200
    assert "Un ensemble {a, b} et des accolades {}" in response.content.decode()


def test_a_comments_page_cannot_change_its_state_without_the_service(client, moderator):
    """Posting the change form with another status or the featured box ticked changes
    nothing: no decision escapes the log and the notifications."""
    comment = CommentFactory(status=Comment.Status.PENDING)
    url = f"/admin/comments/comment/{comment.pk}/change/"
    client.post(
        url, {"status": "published", "is_featured": "on", "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0"}
    )
    comment.refresh_from_db()
    assert (comment.status, comment.is_featured) == (Comment.Status.PENDING, False)
    assert not ModerationLog.objects.exists()


def test_a_comments_page_offers_the_decisions_and_logs_them(client, moderator, django_capture_on_commit_callbacks):
    comment = CommentFactory(status=Comment.Status.PENDING)
    url = f"/admin/comments/comment/{comment.pk}/change/"
    page = client.get(url).content.decode()
    assert 'value="approve"' in page and 'value="feature"' not in page
    management = {"reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0"}
    client.post(url, {"_moderate": "approve", "reason": "relu", **management})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"_moderate": "feature", "reason": "", **management})
    assert DBTaskResult.objects.filter(task_path__endswith="notify_featured").count() == 1
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED and comment.is_featured
    assert list(ModerationLog.objects.order_by("created_at", "pk").values_list("action", "actor")) == [
        (ModerationLog.Action.APPROVE, moderator.pk),
        (ModerationLog.Action.FEATURE, moderator.pk),
    ]


def test_a_standing_saved_in_the_admin_is_logged_as_the_sanction_it_is(client, moderator):
    reader = CommentFactory().author
    client.post(
        "/admin/comments/commenterstanding/add/",
        {"user": reader.pk, "banned": "on", "suspended_until_0": "", "suspended_until_1": "", "reason": "insultes"},
    )
    assert reader.commenter_standing.banned
    log = ModerationLog.objects.get()
    assert (log.action, log.target, log.actor, log.reason) == ("ban", reader, moderator, "insultes")
