from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.rendering import sanitize_html


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What readers see and count: published comments."""
        return self.filter(status=Comment.Status.PUBLISHED)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        PUBLISHED = "published", _("Publié")
        REJECTED = "rejected", _("Refusé")
        DELETED = "deleted", _("Supprimé")

    article = models.ForeignKey(
        "articles.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("en réponse à"), on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(_("texte"))
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.PUBLISHED)
    created_at = models.DateTimeField(_("écrit le"), auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["article", "status", "created_at"])]

    def __str__(self):
        return self.body[:60]

    def save(self, *args, **kwargs):
        self.body_html = render_comment(self.body)
        super().save(*args, **kwargs)


def render_comment(text):
    from django.utils.html import escape, linebreaks

    return sanitize_html(linebreaks(escape(text)), link_rel="nofollow ugc noopener")
