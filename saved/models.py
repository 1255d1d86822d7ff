from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class SavedArticleQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user)

    def published(self):
        """Saved pieces still on the site: one the newsroom unpublished drops out of the list
        (and comes back if it is published again), by `Article.objects.published()`'s rule."""
        return self.filter(article__in=Article.objects.published())

    def newest_first(self):
        return self.order_by("-saved_at", "-pk")


class SavedArticle(models.Model):
    """One article in one reader's "Ma liste"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lecteur"), on_delete=models.CASCADE, related_name="saved_articles"
    )
    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField(_("sauvegardé le"), default=timezone.now)

    objects = SavedArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article sauvegardé")
        verbose_name_plural = _("articles sauvegardés")
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="saved_once_per_reader")]
        # "Ma liste", newest first, is read by reader and date.
        indexes = [models.Index(fields=["user", "-saved_at"], name="saved_by_reader_newest")]

    def __str__(self):
        return f"{self.user_id} → {self.article_id}"
