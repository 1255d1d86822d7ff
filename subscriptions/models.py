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
    stripe_price_id = models.CharField(
        _("prix Stripe"),
        max_length=100,
        blank=True,
        help_text=_("L'identifiant du prix récurrent dans Stripe (price_…). Sans lui, pas de paiement par carte."),
    )

    class Meta:
        verbose_name = _("formule")
        verbose_name_plural = _("formules")
        ordering = ["position", "price"]

    def __str__(self):
        return self.name

    @property
    def days(self):
        return 365 if self.period == self.Period.YEAR else 30


def gives_access(at, prefix=""):
    """The one rule for "this subscription opens the site at `at`": started, and either
    within its paid period or within the grace period that follows a failed payment."""
    return Q(**{f"{prefix}starts_at__lte": at}) & (
        Q(**{f"{prefix}ends_at__gt": at}) | Q(**{f"{prefix}grace_until__gt": at})
    )


class SubscriptionQuerySet(models.QuerySet):
    def active(self, at=None):
        return self.filter(gives_access(at or timezone.now()))

    def paid_by_card(self):
        return self.filter(origin=Subscription.Origin.PAYMENT).exclude(stripe_subscription_id="")


class Subscription(models.Model):
    class Origin(models.TextChoices):
        STAFF = "staff", _("offert par la rédaction")
        CODE = "code", _("code d'accès")
        PAYMENT = "payment", _("paiement")
        GIFT = "gift", _("cadeau")

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
    # Paid by card: Stripe's identifiers and what Stripe last told us.
    stripe_customer_id = models.CharField(_("client Stripe"), max_length=100, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(_("abonnement Stripe"), max_length=100, blank=True)
    stripe_checkout_session_id = models.CharField(_("session de paiement Stripe"), max_length=200, blank=True)
    stripe_status = models.CharField(_("état chez Stripe"), max_length=20, blank=True)
    cancel_at_period_end = models.BooleanField(
        _("résilié à l'échéance"), default=False, help_text=_("Ne sera pas renouvelé : l'accès dure jusqu'à la fin.")
    )
    grace_until = models.DateTimeField(
        _("délai de grâce jusqu'au"),
        null=True,
        blank=True,
        help_text=_("Après un paiement refusé, l'accès reste ouvert jusqu'à cette date."),
    )
    stripe_synced_at = models.DateTimeField(
        _("dernier état Stripe du"),
        null=True,
        blank=True,
        help_text=_("L'heure de l'information Stripe la plus récente appliquée : une plus ancienne est ignorée."),
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        ordering = ["-ends_at"]
        indexes = [models.Index(fields=["user", "ends_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="ends_after_start"),
            models.UniqueConstraint(
                fields=["stripe_subscription_id"],
                condition=~Q(stripe_subscription_id=""),
                name="one_row_per_stripe_subscription",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.ends_at:%Y-%m-%d}"

    def is_active(self, at=None):
        at = at or timezone.now()
        return self.starts_at <= at and (at < self.ends_at or (self.grace_until is not None and at < self.grace_until))

    @property
    def access_ends_at(self):
        """When access really ends: the paid period, or the grace period if that is later."""
        return max(self.ends_at, self.grace_until) if self.grace_until else self.ends_at

    @property
    def in_grace(self):
        """A payment failed: the reader keeps access for a while and is asked to fix it."""
        return self.grace_until is not None and self.grace_until > timezone.now()

    @property
    def renews(self):
        return bool(self.stripe_subscription_id) and not self.cancel_at_period_end and self.stripe_status != "canceled"


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


class GiftOffer(models.Model):
    """A subscription one can offer: a number of months for a price, paid once."""

    class Months(models.IntegerChoices):
        ONE = 1, _("1 mois")
        SIX = 6, _("6 mois")
        TWELVE = 12, _("12 mois")

    months = models.PositiveSmallIntegerField(_("durée"), choices=Months, unique=True)
    price = models.DecimalField(_("prix"), max_digits=8, decimal_places=2)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    is_active = models.BooleanField(_("proposé"), default=True)
    stripe_price_id = models.CharField(
        _("prix Stripe"),
        max_length=100,
        blank=True,
        help_text=_("L'identifiant du prix unique (non récurrent) dans Stripe (price_…)."),
    )

    class Meta:
        verbose_name = _("abonnement à offrir")
        verbose_name_plural = _("abonnements à offrir")
        ordering = ["months"]

    def __str__(self):
        return self.get_months_display()

    @property
    def days(self):
        """A month of access is 30 days, as for a monthly plan; a year is 365."""
        return 365 if self.months == 12 else 30 * self.months


class Gift(models.Model):
    """A subscription bought for someone else: once paid, an access code sent to them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de paiement")
        PAID = "paid", _("payé")

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acheteur"), on_delete=models.SET_NULL, null=True, related_name="gifts"
    )
    offer = models.ForeignKey(GiftOffer, verbose_name=_("offre"), on_delete=models.PROTECT)
    recipient_email = models.EmailField(_("e-mail du destinataire"))
    recipient_name = models.CharField(_("nom du destinataire"), max_length=80, blank=True)
    message = models.TextField(_("message"), max_length=500, blank=True)
    language = models.CharField(_("langue des e-mails"), max_length=5, default=settings.LANGUAGE_CODE)
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.PENDING)
    amount = models.DecimalField(_("montant payé"), max_digits=8, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    stripe_checkout_session_id = models.CharField(_("session de paiement Stripe"), max_length=200, blank=True)
    access_code = models.OneToOneField(
        AccessCode, verbose_name=_("code"), on_delete=models.PROTECT, null=True, blank=True, related_name="gift"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    paid_at = models.DateTimeField(_("payé le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonnement offert")
        verbose_name_plural = _("abonnements offerts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_checkout_session_id"],
                condition=~Q(stripe_checkout_session_id=""),
                name="one_gift_per_checkout_session",
            )
        ]

    def __str__(self):
        return f"{self.offer} → {self.recipient_email}"

    @property
    def redeemed(self):
        return self.access_code is not None and self.access_code.redemption_count > 0


class Payment(models.Model):
    """A card payment Stripe confirmed (or refused): the reader's "last payments"."""

    class Status(models.TextChoices):
        PAID = "paid", _("payé")
        FAILED = "failed", _("refusé")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("client"), on_delete=models.CASCADE, related_name="payments"
    )
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("abonnement"), on_delete=models.SET_NULL, null=True, blank=True
    )
    gift = models.ForeignKey(Gift, verbose_name=_("cadeau"), on_delete=models.SET_NULL, null=True, blank=True)
    description = models.CharField(_("objet"), max_length=200)
    amount = models.DecimalField(_("montant"), max_digits=8, decimal_places=2)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.PAID)
    occurred_at = models.DateTimeField(_("date"))
    receipt_url = models.URLField(_("reçu"), max_length=500, blank=True)
    stripe_id = models.CharField(
        _("référence Stripe"), max_length=200, unique=True, help_text=_("La facture (in_…) ou la session (cs_…).")
    )

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["user", "-occurred_at"])]

    def __str__(self):
        return f"{self.user} · {self.amount} {self.currency} · {self.occurred_at:%Y-%m-%d}"


class StripeEvent(models.Model):
    """Each Stripe event handled, by its ID: a replayed event changes nothing."""

    id = models.CharField(_("identifiant"), max_length=255, primary_key=True)
    type = models.CharField(_("type"), max_length=100)
    created = models.DateTimeField(_("émis le"))
    received_at = models.DateTimeField(_("reçu le"), auto_now_add=True)
    handled = models.BooleanField(_("traité"), default=False, help_text=_("Faux : type ignoré ou sans suite."))

    class Meta:
        verbose_name = _("événement Stripe")
        verbose_name_plural = _("événements Stripe")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.id}"
