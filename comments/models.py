from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .formatting import render_comment

COMMENT_ACTIONS = ("recommend", "reply", "edit", "delete", "report")


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What readers see and count: published comments."""
        return self.filter(status=Comment.Status.PUBLISHED)

    def shown_in_thread(self):
        """Published comments, and deleted ones that still hold published replies (shown as
        "Commentaire supprimé" so the replies keep their place)."""
        live_replies = Comment.objects.filter(parent=OuterRef("pk"), status=Comment.Status.PUBLISHED)
        return self.alias(has_replies=Exists(live_replies)).filter(
            Q(status=Comment.Status.PUBLISHED) | Q(status=Comment.Status.DELETED, has_replies=True)
        )


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
        "self",
        verbose_name=_("fil"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        help_text=_("Le commentaire de premier niveau sous lequel la réponse s'affiche."),
    )
    in_reply_to = models.ForeignKey(
        "self", verbose_name=_("en réponse à"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("texte"))
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.PUBLISHED, db_index=True)
    rejection_reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    is_featured = models.BooleanField(_("choix de la rédaction"), default=False)
    recommend_count = models.PositiveIntegerField(_("recommandations"), default=0, editable=False)
    report_count = models.PositiveIntegerField(_("signalements"), default=0, editable=False)
    created_at = models.DateTimeField(_("écrit le"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"]),
            models.Index(fields=["author", "created_at"]),
        ]

    def __str__(self):
        return self.body[:60]

    def save(self, *args, **kwargs):
        self.body_html = render_comment(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#commentaire-{self.pk}"

    @cached_property
    def action_urls(self):
        """The addresses of the actions under this comment, reversed once for the several
        variants of its controls in a cached thread (see `rendering`)."""
        return {action: reverse(f"comments:{action}", args=[self.pk]) for action in COMMENT_ACTIONS}

    @property
    def is_deleted(self):
        return self.status == self.Status.DELETED

    @property
    def is_from_newsroom(self):
        return bool(self.author_id and self.author.is_staff)


class Recommendation(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="recommendations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recommandation")
        verbose_name_plural = _("recommandations")
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="one_recommendation_per_reader")]

    def __str__(self):
        return f"{self.user} → {self.comment_id}"


class Report(models.Model):
    class Reason(models.TextChoices):
        OFFENSIVE = "offensive", _("Propos injurieux")
        HARASSMENT = "harassment", _("Harcèlement")
        SPAM = "spam", _("Spam ou publicité")
        OFF_TOPIC = "off_topic", _("Hors sujet")
        OTHER = "other", _("Autre")

    comment = models.ForeignKey(
        Comment, verbose_name=_("commentaire"), on_delete=models.CASCADE, related_name="reports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signalé par"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("motif"), max_length=12, choices=Reason)
    note = models.CharField(_("précision"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("signalé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="one_report_per_reader")]

    def __str__(self):
        return f"{self.get_reason_display()} · {self.comment_id}"


class CommenterStanding(models.Model):
    """What the moderators decided about one person's commenting."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("lecteur"), on_delete=models.CASCADE, related_name="commenter_standing"
    )
    banned = models.BooleanField(_("banni des commentaires"), default=False)
    suspended_until = models.DateTimeField(_("suspendu jusqu'au"), null=True, blank=True)
    always_premoderate = models.BooleanField(_("toujours modérer a priori"), default=False)
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("statut de commentateur")
        verbose_name_plural = _("statuts de commentateurs")

    def __str__(self):
        return str(self.user)

    def is_suspended(self, at=None):
        return self.suspended_until is not None and self.suspended_until > (at or timezone.now())


class ModerationLog(models.Model):
    class Action(models.TextChoices):
        APPROVE = "approve", _("approuvé")
        REJECT = "reject", _("refusé")
        FEATURE = "feature", _("mis en avant")
        UNFEATURE = "unfeature", _("retiré des choix")
        HOLD = "hold", _("retenu après signalements")
        BAN = "ban", _("banni")
        SUSPEND = "suspend", _("suspendu")
        PREMODERATE = "premoderate", _("toujours modéré a priori")
        RESTORE = "restore", _("rétabli")
        SETTINGS = "settings", _("règles modifiées")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("qui"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=12, choices=Action)
    comment = models.ForeignKey(
        Comment, verbose_name=_("commentaire"), on_delete=models.SET_NULL, null=True, blank=True
    )
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lecteur visé"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("pourquoi"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("quand"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("action de modération")
        verbose_name_plural = _("journal de modération")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class ModerationSettings(models.Model):
    """The discussion's rules, one row, edited by moderators in the admin."""

    class Mode(models.TextChoices):
        POST = "post", _("modération a posteriori")
        PRE = "pre", _("modération a priori")

    mode = models.CharField(_("mode"), max_length=4, choices=Mode, default=Mode.POST)
    new_commenter_threshold = models.PositiveSmallIntegerField(
        _("commentaires approuvés avant publication directe"),
        default=3,
        help_text=_("Les commentaires d'un nouveau lecteur attendent une validation jusqu'à ce nombre (0 : jamais)."),
    )
    banned_words = models.TextField(
        _("mots interdits"), blank=True, help_text=_("Un par ligne : le commentaire est refusé avec un message.")
    )
    suspect_words = models.TextField(
        _("mots suspects"), blank=True, help_text=_("Un par ligne : le commentaire attend une validation.")
    )
    hold_links = models.BooleanField(_("retenir les commentaires avec un lien"), default=True)
    reports_before_hold = models.PositiveSmallIntegerField(
        _("signalements avant retrait"), default=3, help_text=_("Au-delà, le commentaire attend une validation.")
    )
    close_after_days = models.PositiveSmallIntegerField(
        _("fermeture automatique (jours)"), default=14, help_text=_("Après publication de l'article; 0 : jamais.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("règles de modération")
        verbose_name_plural = _("règles de modération")

    def __str__(self):
        return str(_("Règles de modération"))

    @classmethod
    def current(cls):
        rules, _ = cls.objects.get_or_create(pk=1)
        return rules

    @staticmethod
    def words(text):
        return [word.strip().lower() for word in text.splitlines() if word.strip()]


class PendingComment(Comment):
    """The moderators' queue of comments waiting for a decision."""

    class Meta:
        proxy = True
        verbose_name = _("commentaire en attente")
        verbose_name_plural = _("commentaires en attente")


class ReportedComment(Comment):
    """The moderators' queue of comments readers reported."""

    class Meta:
        proxy = True
        verbose_name = _("commentaire signalé")
        verbose_name_plural = _("commentaires signalés")
