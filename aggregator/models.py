from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Section, Source


class FeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def due(self, *, now=None):
        """Active feeds whose next fetch time has come."""
        return self.active().filter(next_fetch_at__lte=now or timezone.now())

    def failing(self):
        return self.filter(error_count__gt=0)


class Feed(models.Model):
    """One feed of a source newspaper, what to do with its items, and how its fetches went.

    The state fields (active or paused, the last fetch, the next one) are written only by
    the services in `aggregator.services`; editors set the rest.
    """

    class Format(models.TextChoices):
        RSS = "rss", "RSS 2.0"
        RDF = "rdf", "RSS 1.0"
        ATOM = "atom", "Atom 1.0"
        JSON = "json", "JSON Feed 1.1"

    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(_("adresse du flux"), max_length=1000, unique=True)
    title = models.CharField(_("titre du flux"), max_length=200, blank=True, editable=False)
    format = models.CharField(_("format"), max_length=8, choices=Format, blank=True, editable=False)

    section = models.ForeignKey(
        Section,
        verbose_name=_("rubrique par défaut"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    access = models.CharField(
        _("accès par défaut"), max_length=12, choices=Article.Access, default=Article.Access.PUBLIC
    )
    paywall_category = models.CharField(
        _("catégorie des articles réservés"),
        max_length=80,
        blank=True,
        help_text=_("La catégorie par laquelle la source marque ses articles pour abonnés, par exemple « Abonnés »."),
    )
    paywall_field = models.CharField(
        _("champ des articles réservés"),
        max_length=120,
        blank=True,
        help_text=_(
            "Ou le champ de l'item qui les marque, tel que l'écrit la source : « premium », « lemonde:premium », "
            "« _paywall.premium » (JSON Feed) ; « champ=valeur » pour exiger une valeur."
        ),
    )
    full_text = models.BooleanField(
        _("texte intégral autorisé"),
        default=False,
        help_text=_(
            "La licence de la source permet de reprendre le texte entier. Sinon, seuls le titre, le chapô et le lien "
            "vers l'original sont repris."
        ),
    )
    publish_directly = models.BooleanField(
        _("publier directement"),
        default=False,
        help_text=_("Sinon, les articles attendent dans « Dépêches à relire »."),
    )
    interval = models.PositiveIntegerField(
        _("intervalle de relevé (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    is_active = models.BooleanField(_("actif"), default=True, editable=False)

    last_fetched_at = models.DateTimeField(_("dernier relevé"), null=True, blank=True, editable=False)
    last_status = models.PositiveSmallIntegerField(_("statut HTTP"), null=True, blank=True, editable=False)
    last_new = models.PositiveIntegerField(_("nouveaux"), default=0, editable=False)
    last_updated = models.PositiveIntegerField(_("mis à jour"), default=0, editable=False)
    last_skipped = models.PositiveIntegerField(_("inchangés"), default=0, editable=False)
    last_errors = models.PositiveIntegerField(_("items refusés"), default=0, editable=False)
    last_problems = models.TextField(_("remarques du dernier relevé"), blank=True, editable=False)
    last_error = models.TextField(_("dernière erreur"), blank=True, editable=False)
    last_error_at = models.DateTimeField(_("date de la dernière erreur"), null=True, blank=True, editable=False)
    error_count = models.PositiveIntegerField(_("erreurs consécutives"), default=0, editable=False)
    next_fetch_at = models.DateTimeField(_("prochain relevé"), default=timezone.now, editable=False)
    # What the server said last time, sent back so that an unchanged feed costs a 304.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    # Held by the worker fetching the feed: no one else fetches it meanwhile.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("flux")
        verbose_name_plural = _("flux")
        ordering = ["source__name", "url"]
        indexes = [models.Index(fields=["is_active", "next_fetch_at"])]

    def __str__(self):
        return self.title or self.url

    @property
    def is_failing(self):
        return self.error_count > 0


class ImportedItem(models.Model):
    """What the importer remembers of each item it has met: the identity that dedupes it
    (its GUID, else its normalised link, within its source) and a fingerprint of each field
    it supplied, so that an unchanged item costs no write and a changed one updates only
    what the source changed. An item whose article the newsroom deleted is not imported again.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    feed = models.ForeignKey(
        Feed, verbose_name=_("flux"), on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    article = models.OneToOneField(
        Article,
        verbose_name=_("article"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imported_item",
    )
    guid = models.TextField(_("identifiant (GUID)"), blank=True)
    guid_key = models.CharField(max_length=64, blank=True)
    link_key = models.CharField(max_length=64, blank=True)
    fingerprints = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("item importé")
        verbose_name_plural = _("items importés")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "guid_key"], condition=~Q(guid_key=""), name="one_item_per_source_guid"
            )
        ]
        indexes = [models.Index(fields=["source", "link_key"])]

    def __str__(self):
        return self.guid or self.link_key


class Dispatch(Article):
    """Imported pieces waiting for an editor: the "Dépêches à relire" desk."""

    class Meta:
        proxy = True
        verbose_name = _("dépêche à relire")
        verbose_name_plural = _("Dépêches à relire")
