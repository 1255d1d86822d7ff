import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    class Period(models.TextChoices):
        MONTH = "month", _("mois")
        YEAR = "year", _("an")

    name = models.CharField(_("nom"), max_length=80)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("prix"), max_digits=8, decimal_places=2)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    period = models.CharField(_("période"), max_length=5, choices=Period, default=Period.MONTH)
    is_active = models.BooleanField(_("proposé"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("formule")
        verbose_name_plural = _("formules")
        ordering = ["position", "price"]

    def __str__(self):
        return self.name

    @property
    def days(self):
        return 365 if self.period == self.Period.YEAR else 30


class SubscriptionQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at)


class Subscription(models.Model):
    class Origin(models.TextChoices):
        STAFF = "staff", _("offert par la rédaction")
        CODE = "code", _("code d'accès")
        PAYMENT = "payment", _("paiement")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("abonné"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, verbose_name=_("formule"), on_delete=models.PROTECT, null=True, blank=True)
    starts_at = models.DateTimeField(_("début"), default=timezone.now)
    ends_at = models.DateTimeField(_("fin"))
    origin = models.CharField(_("origine"), max_length=10, choices=Origin, default=Origin.STAFF)
    access_code = models.ForeignKey(
        "AccessCode", verbose_name=_("code"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accordé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        ordering = ["-ends_at"]
        indexes = [models.Index(fields=["user", "ends_at"])]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="ends_after_start")]

    def __str__(self):
        return f"{self.user} → {self.ends_at:%Y-%m-%d}"

    def is_active(self, at=None):
        at = at or timezone.now()
        return self.starts_at <= at < self.ends_at


class AccessCode(models.Model):
    """A code that opens a subscription: a plan's period or a number of days."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    plan = models.ForeignKey(Plan, verbose_name=_("formule"), on_delete=models.PROTECT, null=True, blank=True)
    days = models.PositiveIntegerField(_("jours"), null=True, blank=True, help_text=_("À défaut de formule."))
    max_redemptions = models.PositiveIntegerField(_("utilisations possibles"), default=1)
    redemption_count = models.PositiveIntegerField(_("utilisations"), default=0, editable=False)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    batch = models.CharField(_("lot"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("code d'accès")
        verbose_name_plural = _("codes d'accès")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False) | Q(days__isnull=False), name="code_opens_plan_or_days"
            ),
            models.CheckConstraint(
                condition=Q(redemption_count__lte=models.F("max_redemptions")), name="code_not_overused"
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def duration(self):
        return timedelta(days=self.plan.days if self.plan_id else self.days)

    def is_expired(self, at=None):
        return self.expires_at is not None and self.expires_at <= (at or timezone.now())


class Redemption(models.Model):
    access_code = models.ForeignKey(AccessCode, on_delete=models.CASCADE, related_name="redemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="redemptions")
    subscription = models.ForeignKey(Subscription, on_delete=models.SET_NULL, null=True, related_name="+")
    redeemed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("utilisation de code")
        verbose_name_plural = _("utilisations de codes")
        constraints = [models.UniqueConstraint(fields=["access_code", "user"], name="one_redemption_per_reader")]

    def __str__(self):
        return f"{self.access_code} ← {self.user}"


class MeteredRead(models.Model):
    """A subscriber-only article a signed-in reader opened for free, once per month.

    Each read takes the next numbered slot of the reader's month, and a slot can be taken
    once: two pages opened at the same moment cannot both take the last free article.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="metered_reads")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="First day of the calendar month (Europe/Paris).")
    slot = models.PositiveSmallIntegerField(help_text="1 for the month's first free article, 2 for the second…")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article", "month"], name="one_read_per_month"),
            models.UniqueConstraint(fields=["user", "month", "slot"], name="one_read_per_slot"),
        ]

    def __str__(self):
        return f"{self.user} · {self.article_id} · {self.month:%Y-%m}"


class PrivateFeed(models.Model):
    """A reader's private full-text feed: the secret in its address is derived from `salt`
    and the site's secret key, and only its SHA-256 digest is stored to find it again, so
    the database alone cannot give the address away. Renewing draws a new salt (the old
    address stops working); revoking deletes the row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("lecteur"), on_delete=models.CASCADE, related_name="private_feed"
    )
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("flux privé")
        verbose_name_plural = _("flux privés")

    def __str__(self):
        return str(self.user)

    @staticmethod
    def token_for(salt):
        """The secret of the address, from the salt and the site's secret key."""
        return salted_hmac("newsreader.private-feed", salt, algorithm="sha256").hexdigest()[:40]

    @staticmethod
    def digest_of(token):
        return hashlib.sha256(token.encode()).hexdigest()
