import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import audio, images, summary
from .rendering import count_words, plain_text, render_markdown, split_blocks, truncate_words


class Source(models.Model):
    """The newspaper an article is credited to."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    website = models.URLField(_("site web"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="sources/", blank=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:source", kwargs={"slug": self.slug})


class Section(models.Model):
    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("rubrique")
        verbose_name_plural = _("rubriques")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class Author(models.Model):
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    bio = models.TextField(_("biographie"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
    )

    class Meta:
        verbose_name = _("auteur")
        verbose_name_plural = _("auteurs")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one definition of "visible to the public now": published, and its time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def for_cards(self):
        """What a list item shows, fetched in the list's own query (never the body: a card
        shows the stored excerpt, and lists must not drag whole texts through sorts)."""
        return self.select_related("source", "section").defer("body", "body_html")

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def next_publication_time(self):
        """When the next scheduled article appears (None if none is scheduled)."""
        return self.scheduled().order_by("published_at").values_list("published_at", flat=True).first()


@dataclass(frozen=True)
class PublicView:
    """What any public channel (a list, the related items, meta tags, JSON-LD, feeds,
    search, sitemaps, newsletters) may show of a piece to someone not entitled to it.

    For a public piece that is the whole text; for a gated one the standfirst and the
    teaser paragraphs, never a word more.
    """

    title: str
    kicker: str
    standfirst: str
    teaser_blocks: tuple  # sanitized HTML blocks everyone may read
    text: str  # the plain text of the standfirst and those blocks
    excerpt: str  # about 100 words of that text, ending with "…" when the piece goes on
    image: object  # the hero image (an ImageFieldFile, possibly empty)
    image_alt: str
    is_gated: bool


# What search reads of an article: a save that touches one of these refreshes its entry
# (articles/signals.py).
SEARCHED_FIELDS = {
    *("title", "kicker", "standfirst", "body", "access", "teaser_paragraphs"),
    *("status", "published_at", "section", "section_id", "source", "source_id"),
}
# The reading aids' fields: derived from the text (or checked by an editor), never versioned.
DERIVED_AIDS = [
    "summary_public",
    "summary_full",
    "summary_made_from",
    "summary_checked_by",
    "summary_checked_at",
    "speech_fingerprint",
]


class Article(models.Model):
    class Access(models.TextChoices):
        PUBLIC = "public", _("Tous les lecteurs")
        REGISTERED = "registered", _("Lecteurs inscrits")
        SUBSCRIBERS = "subscribers", _("Abonnés")

    class CommentsMode(models.TextChoices):
        OPEN = "open", _("Ouverts aux lecteurs inscrits")
        SUBSCRIBERS = "subscribers", _("Réservés aux abonnés")
        CLOSED = "closed", _("Fermés")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        REVIEW = "review", _("En relecture")
        PUBLISHED = "published", _("Publié")
        UNPUBLISHED = "unpublished", _("Dépublié")

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kicker = models.CharField(
        _("surtitre"), max_length=40, blank=True, help_text=_("Par exemple « DÉCRYPTAGE » ou « ENQUÊTE ».")
    )
    standfirst = models.TextField(_("chapô"), blank=True, help_text=_("Un paragraphe qui résume l'article."))
    body = models.TextField(_("texte (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    excerpt = models.TextField(editable=False, blank=True)
    word_count = models.PositiveIntegerField(_("nombre de mots"), editable=False, default=0)

    hero_image = images.AcceptedImageField(
        _("image principale"),
        upload_to="heroes/%Y/%m/",
        blank=True,
        validators=[images.validate_upload],
        help_text=_("JPEG, PNG ou WebP, 10 Mo au plus, 800 pixels de large au moins."),
    )
    hero_alt = models.CharField(
        _("texte alternatif"),
        max_length=250,
        blank=True,
        help_text=_("Ce que montre l'image, pour qui ne la voit pas. Obligatoire avec une image."),
    )
    hero_caption = models.CharField(_("légende"), max_length=300, blank=True)
    hero_credit = models.CharField(_("crédit"), max_length=120, blank=True)
    hero_renditions = models.JSONField(editable=False, default=dict, blank=True)

    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="articles")
    original_url = models.URLField(_("adresse de l'article original"), max_length=1000, blank=True)
    section = models.ForeignKey(
        Section,
        verbose_name=_("rubrique"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    authors = models.ManyToManyField(Author, verbose_name=_("auteurs"), blank=True, related_name="articles")
    tags = models.ManyToManyField(Tag, verbose_name=_("mots-clés"), blank=True, related_name="articles")
    related = models.ManyToManyField(
        "self",
        verbose_name=_("articles liés choisis"),
        through="RelatedArticle",
        through_fields=("from_article", "to_article"),
        symmetrical=False,
        blank=True,
        related_name="+",
    )

    comment_count = models.PositiveIntegerField(_("commentaires publiés"), default=0, editable=False)

    # Reading aids. "L'essentiel" is derived from the text on save (`refresh_derived_fields`):
    # one summary of the public part and, for a gated piece, one of the full text; an
    # editor may rewrite them (`articles.aids.article_summary_edit`), which marks them checked.
    summary_public = models.JSONField(_("l'essentiel (partie publique)"), default=list, blank=True, editable=False)
    summary_full = models.JSONField(_("l'essentiel (texte intégral)"), default=list, blank=True, editable=False)
    summary_made_from = models.CharField(max_length=32, blank=True, editable=False)
    summary_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("résumé vérifié par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    summary_checked_at = models.DateTimeField(_("résumé vérifié le"), null=True, blank=True, editable=False)
    # What the audio must say now (`audio.fingerprint`): audio made from anything else is stale.
    speech_fingerprint = models.CharField(max_length=32, blank=True, editable=False)

    access = models.CharField(_("accès"), max_length=12, choices=Access, default=Access.PUBLIC)
    teaser_paragraphs = models.PositiveSmallIntegerField(
        _("paragraphes offerts"),
        default=2,
        help_text=_("Pour un article réservé, le nombre de paragraphes que tout le monde peut lire."),
    )
    comments_mode = models.CharField(_("commentaires"), max_length=12, choices=CommentsMode, default=CommentsMode.OPEN)
    status = models.CharField(_("statut"), max_length=12, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publication"), null=True, blank=True, help_text=_("Une date future programme la publication.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "body_html",
            "excerpt",
            "word_count",
            "hero_renditions",
            "updated_at",
            "comment_count",
            *DERIVED_AIDS,
        ],
        verbose_name=_("version d'article"),
        verbose_name_plural=_("versions d'articles"),
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Peut publier, programmer et dépublier des articles"))]
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            models.Index(fields=["section", "status", "published_at"]),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Read by `signals.article_saved`: the worker reads a published piece again.
        self.speech_changed = self.refresh_derived_fields()
        image_changed = bool(self.hero_image) and self.hero_renditions.get("source") != self.hero_image.name
        if not self.hero_image:
            self.hero_renditions = {}
        if kwargs.get("update_fields") is None and not self._state.adding:
            # The comment count belongs to the discussion, which keeps it current: a form
            # loaded before a comment arrived must not write its stale count back.
            kwargs["update_fields"] = {
                field.attname for field in self._meta.concrete_fields if not field.primary_key
            } - {"comment_count"}
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "body_html",
                "excerpt",
                "word_count",
                "hero_renditions",
                *DERIVED_AIDS,
            }
        super().save(*args, **kwargs)
        if image_changed:
            # Only now is the upload in storage under its final name.
            self.hero_renditions = images.make_renditions(self.hero_image)
            type(self).objects.filter(pk=self.pk).update(hero_renditions=self.hero_renditions)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.hero_image and not self.hero_alt.strip():
            raise ValidationError({"hero_alt": _("Décrivez l'image : le texte alternatif est obligatoire.")})

    def is_published(self):
        """The rule of `ArticleQuerySet.published()`, for one article."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def was_updated(self):
        """Edited well after publication: worth telling the reader."""
        return bool(
            self.published_at and self.updated_at and (self.updated_at - self.published_at).total_seconds() > 900
        )

    @property
    def is_gated(self):
        """Whether anyone could be refused the full text (the badge shows for subscribers only)."""
        return self.access != self.Access.PUBLIC

    @property
    def is_for_subscribers(self):
        return self.access == self.Access.SUBSCRIBERS

    @cached_property
    def body_blocks(self):
        return split_blocks(self.body_html)

    @property
    def teaser_block_count(self):
        """How many body blocks everyone may read: all of a public piece; of a gated one the
        first `teaser_paragraphs` paragraphs (with the headings among them), and never the
        whole text, whatever the number says."""
        blocks = self.body_blocks
        if not self.is_gated:
            return len(blocks)
        paragraphs = [index for index, block in enumerate(blocks) if block.startswith("<p")]
        shown = min(self.teaser_paragraphs, max(0, len(paragraphs) - 1))
        return paragraphs[shown - 1] + 1 if shown else 0

    @cached_property
    def public_view(self):
        """The one answer to "what may a public channel show of this piece"."""
        blocks = tuple(self.body_blocks[: self.teaser_block_count])
        text = " ".join(part for part in [self.standfirst.strip(), plain_text(" ".join(blocks))] if part)
        goes_on = self.is_gated or len(text.split()) > settings.NEWSREADER_EXCERPT_WORDS
        excerpt = truncate_words(text, settings.NEWSREADER_EXCERPT_WORDS, ellipsis=goes_on)
        return PublicView(
            title=self.title,
            kicker=self.kicker,
            standfirst=self.standfirst,
            teaser_blocks=blocks,
            text=text,
            excerpt=excerpt,
            image=self.hero_image,
            image_alt=self.hero_alt,
            is_gated=self.is_gated,
        )

    @property
    def reading_minutes(self):
        return max(1, round(self.word_count / 230))

    def refresh_derived_fields(self):
        """Render the body once, on save, and derive what lists and reading aids need from
        it. Returns whether what the audio must say has changed.

        The excerpt and the public summary come from `public_view`, so no list, feed,
        snippet or summary can carry text meant for subscribers.
        """
        rendered = render_markdown(self.body)
        self.body_html = str(rendered)
        self.body_shown_as_plain_text = rendered.fell_back  # for the editor: formatting gave up
        self.word_count = count_words(plain_text(self.body_html))
        for derived in ("body_blocks", "public_view"):
            self.__dict__.pop(derived, None)
        self.excerpt = self.public_view.excerpt
        self.refresh_summary()
        speech = audio.fingerprint(self)
        changed, self.speech_fingerprint = speech != self.speech_fingerprint, speech
        return changed

    def refresh_summary(self, *, force=False):
        """Compute "L'essentiel" again if the text it sums up changed (or `force`): of the
        public part, and for a gated piece of the full text. A new summary is automatic
        again: whatever an editor checked was about another text."""
        view = self.public_view
        full_blocks = tuple(self.body_blocks) if self.is_gated else ()
        made_from = hashlib.blake2b(
            "\x00".join([view.standfirst, *view.teaser_blocks, "\x01", *full_blocks]).encode(), digest_size=16
        ).hexdigest()
        if made_from == self.summary_made_from and not force:
            return False
        self.summary_public = summary.summarize(lead=view.standfirst, blocks=view.teaser_blocks)
        self.summary_full = summary.summarize(lead=view.standfirst, blocks=full_blocks) if full_blocks else []
        self.summary_made_from = made_from
        self.summary_checked_by, self.summary_checked_at = None, None
        return True

    def summary_for(self, *, full):
        """The points of "L'essentiel" for a reader who gets the full text (`full`) or the
        public part only (`subscriptions.access.reading_for()` says which)."""
        if full and self.is_gated and self.summary_full:
            return self.summary_full
        return self.summary_public

    @property
    def summary_is_checked(self):
        return self.summary_checked_at is not None

    def audio_for(self, *, full):
        """The spoken rendition for a reader who gets the full text (`full`) or the public
        part only, as (file, seconds); None while none says the current text."""
        try:
            recording = self.audio
        except ObjectDoesNotExist:
            return None
        if recording.made_from != self.speech_fingerprint:
            return None
        if full and self.is_gated:
            return (recording.full_file, recording.full_seconds) if recording.full_file else None
        return (recording.public_file, recording.public_seconds) if recording.public_file else None


class RelatedArticle(models.Model):
    """An editor's pick for the "Articles connexes" list, in the editor's order."""

    from_article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="picks")
    to_article = models.ForeignKey(
        Article, verbose_name=_("article lié"), on_delete=models.CASCADE, related_name="picked_by"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("article lié")
        verbose_name_plural = _("articles liés")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["from_article", "to_article"], name="unique_related_pick"),
            models.CheckConstraint(condition=~Q(from_article=models.F("to_article")), name="no_self_pick"),
        ]

    def __str__(self):
        return f"{self.from_article} → {self.to_article}"


class ArticleTransition(models.Model):
    """One step of the editorial workflow: who moved the article, from where to where, why."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="transitions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("qui"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(_("de"), max_length=12, choices=Article.Status)
    to_status = models.CharField(_("vers"), max_length=12, choices=Article.Status)
    publish_at = models.DateTimeField(_("publication prévue"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("quand"), auto_now_add=True)

    class Meta:
        verbose_name = _("étape du circuit")
        verbose_name_plural = _("étapes du circuit")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.article} : {self.get_from_status_display()} → {self.get_to_status_display()}"


class SearchEntry(models.Model):
    """What search matches an article on, refreshed by every save that changes it
    (`articles.search.index_articles`): the public text (what anyone may read, from
    `Article.public_view`) and the full text, each as plain text for the snippets and,
    on PostgreSQL, as a weighted vector (title A, kicker and standfirst B, body C) with
    a GIN index. On SQLite an FTS5 table holds the same texts, stemmed (see the search
    module); the vectors stay empty there."""

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="search_entry")
    public_body = models.TextField(blank=True)  # the teaser paragraphs (a public piece's whole body)
    full_body = models.TextField(blank=True)
    public_vector = SearchVectorField(null=True, editable=False)
    full_vector = SearchVectorField(null=True, editable=False)
    # Copied from the article, so that a search picks its candidates in this table alone:
    # when published (None while it is not), who may read it, where it is filed.
    published_at = models.DateTimeField(null=True)
    access = models.CharField(max_length=12, default="")
    section_id = models.BigIntegerField(null=True)
    source_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("entrée de recherche")
        verbose_name_plural = _("entrées de recherche")

    def __str__(self):
        return str(self.article_id)


class ArticleAudio(models.Model):
    """The article read aloud (`articles.audio`), written only by the background worker.

    Kept apart from `Article` so that saving an article form never writes back stale
    audio fields, and the worker never touches the article's own row."""

    article = models.OneToOneField(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, primary_key=True, related_name="audio"
    )
    made_from = models.CharField(max_length=32)
    public_file = models.FileField(_("partie publique"), storage=audio.audio_storage, blank=True)
    public_seconds = models.FloatField(_("durée de la partie publique (s)"), default=0)
    full_file = models.FileField(_("texte intégral"), storage=audio.audio_storage, blank=True)
    full_seconds = models.FloatField(_("durée du texte intégral (s)"), default=0)
    rendered_at = models.DateTimeField(_("réalisé le"), auto_now=True)

    class Meta:
        verbose_name = _("version audio")
        verbose_name_plural = _("versions audio")

    def __str__(self):
        return str(self.article_id)


class ReadCount(models.Model):
    """Reads of an article in one hour, added up by the background worker from the counts
    kept in the cache (`infrastructure.readcounts`): no write per page view."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_counts")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("lectures d'une heure")
        verbose_name_plural = _("lectures par heure")
        constraints = [models.UniqueConstraint(fields=["article", "hour"], name="one_read_count_per_hour")]
        indexes = [models.Index(fields=["hour"])]

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H:00}: {self.count}"


# The front page opens on one lead, then this many top stories ("À la une").
FRONT_PAGE_TOP_STORIES = 4
FRONT_PAGE_SLOTS = 1 + FRONT_PAGE_TOP_STORIES


class FrontPage(models.Model):
    """The front page as the editors arrange it ("la une"): one row, whose slots name the
    lead and then the top stories ("À la une"), in order.

    Changed only through `services.front_page_arrange()`, which records who and when and
    retires the lists; what readers see of it is `selectors.front_page()`.
    """

    updated_at = models.DateTimeField(_("modifiée le"), null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifiée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("la une")
        verbose_name_plural = _("la une")

    def __str__(self):
        return str(_("La une"))

    @classmethod
    def current(cls):
        return cls.objects.get_or_create(pk=1)[0]


class FrontPageSlot(models.Model):
    """One place on the front page: position 1 opens the page, the next ones are the top
    stories in this order."""

    front_page = models.ForeignKey(FrontPage, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField(
        _("position"), help_text=_("1 : l'ouverture de la page ; 2 et suivantes : « À la une », dans cet ordre.")
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="front_page_slots"
    )

    class Meta:
        verbose_name = _("place à la une")
        verbose_name_plural = _("places à la une")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.position}. {self.article}"
