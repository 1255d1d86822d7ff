from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Section


class Newsletter(models.Model):
    """A letter readers can receive, with its schedule (in the site's time, Europe/Paris).

    Without a section it is "La matinale": the front page as the editors arranged it; with
    one, the newest pieces of that section since the previous edition."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("chaque jour")
        WEEKLY = "weekly", _("chaque semaine")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("lundi")
        TUESDAY = 1, _("mardi")
        WEDNESDAY = 2, _("mercredi")
        THURSDAY = 3, _("jeudi")
        FRIDAY = 4, _("vendredi")
        SATURDAY = 5, _("samedi")
        SUNDAY = 6, _("dimanche")

    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    section = models.OneToOneField(
        Section,
        verbose_name=_("rubrique"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="newsletter",
        help_text=_("Vide : les articles à la une du jour (La matinale)."),
    )
    frequency = models.CharField(_("fréquence"), max_length=8, choices=Frequency, default=Frequency.DAILY)
    weekday = models.PositiveSmallIntegerField(
        _("jour d'envoi"), choices=Weekday, null=True, blank=True, help_text=_("Pour une lettre hebdomadaire.")
    )
    send_time = models.TimeField(_("heure d'envoi"), help_text=_("Heure de Paris."))
    article_count = models.PositiveSmallIntegerField(_("nombre d'articles"), default=5)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("lettre d'information")
        verbose_name_plural = _("lettres d'information")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency="daily") | Q(weekday__isnull=False), name="weekly_letter_has_a_day"
            )
        ]

    def __str__(self):
        return self.name

    def sends_on(self, day):
        return self.frequency == self.Frequency.DAILY or day.weekday() == self.weekday

    def send_moment(self, day):
        """When the edition of `day` (a local date) goes out, as an aware datetime."""
        return timezone.make_aware(datetime.combine(day, self.send_time), timezone.get_default_timezone())

    def next_send(self, after):
        """The first scheduled moment strictly after `after`."""
        day = timezone.localdate(after)
        for offset in range(8):
            candidate = day + timedelta(days=offset)
            if self.sends_on(candidate) and self.send_moment(candidate) > after:
                return self.send_moment(candidate)
        return None


class Edition(models.Model):
    """One issue of a letter: its date, the pieces chosen (automatically when it is
    assembled, then editable in the admin until it is sent) and where its sending stands."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("programmée")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyée")
        CANCELLED = "cancelled", _("annulée")

    newsletter = models.ForeignKey(
        Newsletter, verbose_name=_("lettre"), on_delete=models.CASCADE, related_name="editions"
    )
    date = models.DateField(_("date"))
    send_at = models.DateTimeField(_("envoi prévu le"))
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.SCHEDULED, editable=False)
    articles = models.ManyToManyField(Article, through="EditionArticle", verbose_name=_("articles"), blank=True)
    created_at = models.DateTimeField(_("préparée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("édition")
        verbose_name_plural = _("éditions")
        ordering = ["-send_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["newsletter", "date"], name="one_edition_per_letter_and_day")]

    def __str__(self):
        return f"{self.newsletter} · {self.date:%d/%m/%Y}"

    @property
    def is_editable(self):
        return self.status == self.Status.SCHEDULED


class EditionArticle(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("article de l'édition")
        verbose_name_plural = _("articles de l'édition")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["edition", "article"], name="article_once_per_edition")]

    def __str__(self):
        return f"{self.position}. {self.article}"


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        """Who receives the letter: a confirmed address, not unsubscribed, and no closed account."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True).exclude(user__is_active=False)


class Subscriber(models.Model):
    """An address that receives one letter. With an account (`user`) the letter goes to the
    account's address and carries what that reader may read; without one, public text only.

    Confirmed once the address owner said yes (double opt-in) or, for a signed-in reader,
    once their address was verified. Kept after unsubscribing, for the deliveries' record."""

    newsletter = models.ForeignKey(
        Newsletter, verbose_name=_("lettre"), on_delete=models.CASCADE, related_name="subscribers"
    )
    email = models.EmailField(_("adresse e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="newsletter_subscriptions",
    )
    language = models.CharField(_("langue"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désinscrit le"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscrit")
        verbose_name_plural = _("inscrits")
        ordering = ["newsletter", "email"]
        constraints = [models.UniqueConstraint(fields=["newsletter", "email"], name="one_subscriber_per_letter")]

    def __str__(self):
        return f"{self.email} · {self.newsletter}"

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def address(self):
        """Where the letter goes: the account's current address, if there is an account."""
        return self.user.email if self.user_id else self.email

    @property
    def mail_language(self):
        """The account's language as the reader last chose it, else the one they asked in."""
        return self.user.language if self.user_id else self.language


class Send(models.Model):
    """The record of one edition's sending: what, to how many, when. Written only by the
    sending service; read-only in the admin."""

    edition = models.OneToOneField(Edition, verbose_name=_("édition"), on_delete=models.CASCADE, related_name="send")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide : à l'heure prévue."),
    )
    recipients = models.PositiveIntegerField(_("destinataires"))
    started_at = models.DateTimeField(_("commencé le"))
    progress_at = models.DateTimeField(_("dernier lot le"))
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        ordering = ["-started_at"]

    def __str__(self):
        return str(self.edition)


class Delivery(models.Model):
    """One reader's copy of one edition. The row is claimed (inserted) before the mail goes
    and the database lets it exist once: a worker restarting mid-send, or two workers at
    once, never mail a reader twice. `sent_at` stays empty if the worker died between
    handing the mail over and recording it: that reader is not mailed again (at most once)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    claimed_at = models.DateTimeField(_("réservé le"))
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    refused = models.BooleanField(_("adresse refusée"), default=False)
    full_text = models.BooleanField(_("texte réservé inclus"), default=False)

    class Meta:
        verbose_name = _("remise")
        verbose_name_plural = _("remises")
        constraints = [models.UniqueConstraint(fields=["edition", "subscriber"], name="one_delivery_per_reader")]

    def __str__(self):
        return f"{self.edition} → {self.subscriber_id}"
