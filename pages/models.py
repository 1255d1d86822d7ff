from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.rendering import render_markdown


class InfoPage(models.Model):
    """One of the publisher's own pages, linked from every page's footer: legal notice,
    privacy, cookies, contact, about us… Editors write them in the admin, in French and,
    where they wish, in English. Another page (terms of sale, say) is one more row: a new
    slug and its position in the footer."""

    slug = models.SlugField(_("adresse"), max_length=80, unique=True, help_text=_("La page est à /infos/<adresse>/."))
    position = models.PositiveSmallIntegerField(_("position dans le pied de page"), default=0)
    title = models.CharField(_("titre"), max_length=120)
    body = models.TextField(_("texte (Markdown)"))
    title_en = models.CharField(_("titre en anglais"), max_length=120, blank=True)
    body_en = models.TextField(
        _("texte en anglais (Markdown)"),
        blank=True,
        help_text=_("Vide : la version anglaise du site montre le texte français."),
    )
    body_html = models.TextField(editable=False, blank=True)
    body_en_html = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("page d'information")
        verbose_name_plural = _("pages d'information")
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Rendered once, on save, and sanitized like every text written in the admin.
        self.body_html = render_markdown(self.body)
        self.body_en_html = render_markdown(self.body_en)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html", "body_en_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:info_page", kwargs={"slug": self.slug})

    def is_written_in(self, language):
        """French always; English once its title and text are written."""
        return language != "en" or bool(self.title_en and self.body_en_html)

    def title_in(self, language):
        return self.title_en if language == "en" and self.is_written_in("en") else self.title

    def in_language(self, language):
        """(title, sanitized HTML, language of that text): English where it is written."""
        if language == "en" and self.is_written_in("en"):
            return self.title_en, self.body_en_html, "en"
        return self.title, self.body_html, "fr"

    @property
    def to_complete(self):
        """Whether the publisher still has placeholders to fill in."""
        return PLACEHOLDER in self.body or PLACEHOLDER_EN in self.body_en


# The mark the seeded pages carry wherever the publisher must write the real information.
PLACEHOLDER = "À compléter par l'éditeur"
PLACEHOLDER_EN = "To be completed by the publisher"
