"""The editorial workflow: draft → in review → published (or scheduled) → unpublished.

Each move is a named action that checks who may make it and records it. Authors write
and submit their own drafts; only those allowed to publish (the Editors) publish,
schedule, unpublish or send a piece back.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infrastructure import scopes
from infrastructure.scopes import content_changed

from .models import Article, ArticleTransition
from .tasks import article_audio_request

Status = Article.Status
PUBLISH_PERMISSION = "articles.publish_article"


class TransitionRefused(Exception):
    pass


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit(user, article):
    """Editors edit everything; an author edits their own piece while it is a draft."""
    if can_publish(user):
        return user.has_perm("articles.change_article")
    return (
        user.has_perm("articles.change_article") and article.created_by_id == user.pk and article.status == Status.DRAFT
    )


def publication_warnings(article):
    """What an editor should look at before publishing."""
    warnings = []
    if not article.standfirst.strip():
        warnings.append(_("Il n'y a pas de chapô."))
    if not article.section_id:
        warnings.append(_("L'article n'est rangé dans aucune rubrique."))
    if article.hero_image and not article.hero_alt.strip():
        warnings.append(_("L'image n'a pas de texte alternatif."))
    return warnings


@transaction.atomic
def _move(*, user, article, to_status, allowed_from, note="", publish_at=None):
    article = Article.objects.select_for_update().get(pk=article.pk)
    was_live = article.is_published()
    if article.status not in allowed_from:
        raise TransitionRefused(
            _("« %(title)s » est %(status)s : cette étape n'est pas possible.")
            % {"title": article.title, "status": article.get_status_display().lower()}
        )
    transition = ArticleTransition(
        article=article, user=user, from_status=article.status, to_status=to_status, note=note, publish_at=publish_at
    )
    article.status = to_status
    fields = ["status", "updated_at"]
    if publish_at is not None:
        article.published_at = publish_at
        fields.append("published_at")
    article.save(update_fields=fields)
    transition.save()
    if was_live and not article.is_published():
        # Gone from the site (for now): out of every list, related sidebar and page.
        content_changed(scopes.SITE)
    return article


# Where each step may start from: the one statement of the state machine.
ALLOWED_FROM = {
    "submit": {Status.DRAFT},
    "publish": {Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED},
    "reschedule": {Status.PUBLISHED},
    "unpublish": {Status.PUBLISHED},
    "return_to_draft": {Status.REVIEW, Status.UNPUBLISHED},
}
# What restoring a version brings back: the piece's content, never its place in the workflow.
RESTORED_FIELDS = [
    "title",
    "slug",
    "kicker",
    "standfirst",
    "body",
    "hero_image",
    "hero_alt",
    "hero_caption",
    "hero_credit",
    "source_id",
    "original_url",
    "section_id",
    "access",
    "teaser_paragraphs",
    "comments_mode",
]


def may_submit(user, article):
    return can_publish(user) or (article.created_by_id == user.pk and user.has_perm("articles.change_article"))


def article_submit(*, user, article, note=""):
    """An author hands a draft to the editors."""
    if not may_submit(user, article):
        raise TransitionRefused(_("Vous ne pouvez soumettre que vos propres articles."))
    return _move(user=user, article=article, to_status=Status.REVIEW, allowed_from=ALLOWED_FROM["submit"], note=note)


def article_publish(*, user, article, at=None, note=""):
    """Publish now, or at `at` (a future time schedules it: it appears by itself then)."""
    if not can_publish(user):
        raise TransitionRefused(_("Seuls les éditeurs publient."))
    # The time the editor set on the article stands (a future one schedules it); a piece
    # that never had one appears now.
    publish_at = at or article.published_at or timezone.now()
    article = _move(
        user=user,
        article=article,
        to_status=Status.PUBLISHED,
        allowed_from=ALLOWED_FROM["publish"],
        note=note,
        publish_at=publish_at,
    )
    # On the site (or scheduled): the worker reads it aloud, unless its audio is current.
    article_audio_request(article=article)
    return article


def article_reschedule(*, user, article, at, note=""):
    """Move a published (or scheduled) piece's publication time; a future time takes a live
    piece off the site until then."""
    if not can_publish(user):
        raise TransitionRefused(_("Seuls les éditeurs programment."))
    if at is None:
        raise TransitionRefused(_("Indiquez la nouvelle date de publication."))
    return _move(
        user=user,
        article=article,
        to_status=Status.PUBLISHED,
        allowed_from=ALLOWED_FROM["reschedule"],
        note=note,
        publish_at=at,
    )


def article_unpublish(*, user, article, note=""):
    if not can_publish(user):
        raise TransitionRefused(_("Seuls les éditeurs dépublient."))
    return _move(
        user=user, article=article, to_status=Status.UNPUBLISHED, allowed_from=ALLOWED_FROM["unpublish"], note=note
    )


def article_return_to_draft(*, user, article, note=""):
    """An editor sends a piece back to its author."""
    if not can_publish(user):
        raise TransitionRefused(_("Seuls les éditeurs renvoient un article en brouillon."))
    return _move(
        user=user, article=article, to_status=Status.DRAFT, allowed_from=ALLOWED_FROM["return_to_draft"], note=note
    )


def may_see_versions(user, article):
    """Editors see every piece's versions; an author those of their own drafts only."""
    return can_publish(user) or can_edit(user, article)


@transaction.atomic
def article_restore_version(*, user, article, version, note=""):
    """An editor brings back an earlier version's content. The piece keeps its place in the
    workflow (status, publication time); the restoration is recorded as a step of its own."""
    if not can_publish(user):
        raise TransitionRefused(_("Seuls les éditeurs restaurent une version."))
    article = Article.objects.select_for_update().get(pk=article.pk)
    if version.id != article.pk:
        raise TransitionRefused(_("Cette version n'est pas celle de cet article."))
    for field in RESTORED_FIELDS:
        setattr(article, field, getattr(version, field))
    article._history_user = user
    article.save()
    moment = timezone.localtime(version.history_date).strftime("%Y-%m-%d %H:%M")
    ArticleTransition.objects.create(
        article=article,
        user=user,
        from_status=article.status,
        to_status=article.status,
        note=(_("Version du %(date)s restaurée.") % {"date": moment} + f" {note}").strip()[:300],
    )
    return article


def article_arrive(*, article, publish, note=""):
    """A piece from a source's feed enters the workflow on its own: into review, where the
    editors find it among the "Dépêches à relire", or published at once where its feed
    publishes directly. The importer takes the step, so the transition names no one."""
    if article.pk is not None:
        raise TransitionRefused(_("Seul un article qui arrive entre ainsi dans le circuit."))
    to_status = Status.PUBLISHED if publish else Status.REVIEW
    article.status = to_status
    if article.published_at is None:
        article.published_at = timezone.now()
    with transaction.atomic(savepoint=False):
        article.save()
        ArticleTransition.objects.create(
            article=article,
            user=None,
            from_status=Status.DRAFT,
            to_status=to_status,
            note=note[:300],
            publish_at=article.published_at if publish else None,
        )
    return article


TRANSITIONS = {
    "submit": (article_submit, _("Soumettre à la relecture")),
    "publish": (article_publish, _("Publier (ou programmer)")),
    "reschedule": (article_reschedule, _("Reprogrammer")),
    "unpublish": (article_unpublish, _("Dépublier")),
    "return_to_draft": (article_return_to_draft, _("Renvoyer en brouillon")),
}


def available_steps(*, user, article):
    """The steps this person may take on this article now, with their labels."""
    return [
        (step, label)
        for step, (_function, label) in TRANSITIONS.items()
        if article.status in ALLOWED_FROM[step]
        and (may_submit(user, article) if step == "submit" else can_publish(user))
    ]
