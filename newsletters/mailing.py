"""The letters as e-mails: what each recipient may be sent, in their language, with the
headers that let a mail program unsubscribe them in one click (RFC 8058).

What a piece shows is decided per recipient by `subscriptions.access.reading_for()`: a
reader entitled to it gets a long excerpt of the full text; anyone else, an address
without an account included, gets `Article.public_view`'s excerpt and nothing more (Ghost
once mailed members text their tier did not open, TryGhost/Ghost#27893).
"""

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from articles.rendering import plain_text, truncate_words
from subscriptions.access import reading_for

from .tokens import confirmation_token, unsubscribe_token


@dataclass(frozen=True)
class Piece:
    """One article as one recipient's letter shows it."""

    title: str
    kicker: str
    source: str
    url: str
    text: str
    whole_text: bool  # the reader may read all of it
    teaser_only: bool  # a subscriber-only piece of which only the public part is shown


def piece_for(*, article, full):
    """The piece as shown to a reader who may read it all (`full`) or the public part only."""
    if full:
        words = " ".join(part for part in [article.standfirst.strip(), plain_text(article.body_html)] if part)
        text = truncate_words(words, settings.NEWSREADER_NEWSLETTER_EXCERPT_WORDS)
    else:
        text = article.public_view.excerpt
    return Piece(
        title=article.title,
        kicker=article.kicker,
        source=article.source.name if article.source_id else "",
        url=settings.NEWSREADER_SITE_URL + article.get_absolute_url(),
        text=text,
        whole_text=full or not article.is_gated,
        teaser_only=article.is_gated and not full,
    )


def pieces_for(*, articles, user):
    """What this recipient (an account, or None for an address without one) may be sent."""
    reader = user or AnonymousUser()
    return [piece_for(article=article, full=reading_for(user=reader, article=article).full) for article in articles]


def unsubscribe_url(subscriber):
    return settings.NEWSREADER_SITE_URL + reverse("newsletters:unsubscribe", args=[unsubscribe_token(subscriber)])


def edition_message(*, edition, subscriber, articles, subject_prefix=""):
    """The letter for one subscriber: plain text and HTML, in their language."""
    user = subscriber.user if subscriber.user_id else None
    with translation.override(subscriber.mail_language):
        pieces = pieces_for(articles=articles, user=user)
        unsubscribe = unsubscribe_url(subscriber)
        context = {
            "edition": edition,
            "newsletter": edition.newsletter,
            "pieces": pieces,
            "unsubscribe_url": unsubscribe,
            "site_url": settings.NEWSREADER_SITE_URL,
        }
        subject = subject_prefix + render_to_string("newsletters/email/edition_subject.txt", context).strip()
        text = render_to_string("newsletters/email/edition_message.txt", context)
        html = render_to_string("newsletters/email/edition_message.html", context)
    address = settings.NEWSREADER_NEWSLETTER_UNSUBSCRIBE_EMAIL
    mailto = f"mailto:{address}?subject={quote('unsubscribe ' + unsubscribe_token(subscriber))}"
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<{edition.newsletter.slug}.newsletters.{urlsplit(settings.NEWSREADER_SITE_URL).hostname}>",
    }
    message = EmailMultiAlternatives(subject, text, None, [subscriber.address], headers=headers)
    message.attach_alternative(html, "text/html")
    carries_gated_text = any(
        article.is_gated and piece.whole_text for article, piece in zip(articles, pieces, strict=True)
    )
    return message, carries_gated_text


def confirmation_message(*, email, newsletters, language):
    """The double opt-in e-mail: nothing is stored, nothing else is sent until its link is used."""
    with translation.override(language):
        token = confirmation_token(email=email, newsletter_ids=[n.pk for n in newsletters], language=language)
        context = {
            "newsletters": newsletters,
            "confirm_url": settings.NEWSREADER_SITE_URL + reverse("newsletters:confirm", args=[token]),
            "site_url": settings.NEWSREADER_SITE_URL,
        }
        subject = render_to_string("newsletters/email/confirm_subject.txt", context).strip()
        text = render_to_string("newsletters/email/confirm_message.txt", context)
        html = render_to_string("newsletters/email/confirm_message.html", context)
    message = EmailMultiAlternatives(subject, text, None, [email])
    message.attach_alternative(html, "text/html")
    return message
