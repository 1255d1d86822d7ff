"""Writes the demo site: sources, sections, sixty articles, four accounts. Idempotent."""

import random
import secrets
from datetime import time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.aids import reading_aids_backfill
from articles.models import Article, Author, ReadCount, RelatedArticle, Section, Source, Tag
from comments.models import Comment
from newsletters.models import Newsletter
from newsletters.schedule import schedule_ensure
from newsletters.services import edition_assemble, subscribers_enrol
from saved.models import SavedArticle
from saved.services import article_save
from subscriptions.models import AccessCode, GiftOffer, Plan, Subscription
from subscriptions.services import access_codes_generate, format_code, subscription_grant

from . import compose, content
from .feeds import seed_feeds

ACCOUNTS = [
    ("reader@example.com", "Lectrice assidue", {}, []),
    ("subscriber@example.com", "Abonné fidèle", {}, []),
    ("editor@example.com", "Rédaction en chef", {"is_staff": True}, ["Editors"]),
    ("moderator@example.com", "Modération", {"is_staff": True}, ["Moderators"]),
]


def seed_demo(*, password=None, now=None):
    """Create what is missing and leave what exists. Returns lines to show the operator."""
    now = now or timezone.now()
    report = []
    with transaction.atomic():
        Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1:8000", "name": "Newsreader"})
        sources = [
            Source.objects.get_or_create(slug=slugify(name), defaults={"name": name, "website": site})[0]
            for name, site in content.SOURCES
        ]
        authors = [
            Author.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0] for name in content.AUTHORS
        ]
        created = 0
        for position, (section_name, data) in enumerate(content.SECTIONS.items()):
            section, _ = Section.objects.get_or_create(
                slug=slugify(section_name), defaults={"name": section_name, "position": position}
            )
            tags = [Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0] for name in data["tags"]]
            for number, title in enumerate(data["titles"]):
                index = position * len(data["titles"]) + number
                created += _article(title, index, section, data, tags, sources, authors, now)
        _related_picks()
        report.append(f"{created} article(s) created, {Article.objects.count()} in all.")
        report += _accounts(password)
        report += _subscriptions()
        _comments()
        _saved()
        _reads(now)
        report += _newsletters(now)
        _computed, requested = reading_aids_backfill()
    if requested:
        report.append(f"Audio of {requested} article(s) requested: the background worker reads them aloud.")
    report += seed_feeds()
    return report


def _published_at(index, now):
    """Ten pieces in the last day, the rest spread over thirty days; the newest first."""
    order = (index * 37) % 60
    if order < 10:
        return now - timedelta(hours=1 + order * 2, minutes=order * 7)
    return now - timedelta(days=1 + (order - 10) * 29 / 50, hours=order % 5)


def _article(title, index, section, data, tags, sources, authors, now):
    slug = slugify(title)[:200]
    if Article.objects.filter(slug=slug).exists():
        return 0
    rng = random.Random(slug)
    access = Article.Access.SUBSCRIBERS if index % 3 == 0 else Article.Access.PUBLIC
    if index % 10 == 4:
        access = Article.Access.REGISTERED
    article = Article(
        title=title,
        slug=slug,
        kicker=rng.choice(content.KICKERS),
        standfirst=compose.standfirst(rng, section.name),
        body=compose.body(rng, section.name, rng.randint(420, 1150)),
        hero_alt=f"Illustration abstraite aux couleurs de la rubrique {section.name}",
        hero_caption=f"Illustration de la rubrique {section.name}.",
        hero_credit="Newsreader",
        source=sources[index % len(sources)],
        original_url=f"{sources[index % len(sources)].website}/{slug}",
        section=section,
        access=access,
        status=Article.Status.PUBLISHED,
        published_at=_published_at(index, now),
    )
    image = compose.hero_image(slug, data["color"])
    article.hero_image.save(f"{slug[:60]}.jpg", ContentFile(image), save=False)
    article.save()
    # A demo piece has not been edited since it appeared.
    Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)
    article.authors.set(rng.sample(authors, rng.choice([1, 1, 2])))
    article.tags.set(rng.sample(tags, rng.randint(1, 2)))
    return 1


def _related_picks():
    """Editors pick two pieces for every fifth article, across sections."""
    if RelatedArticle.objects.exists():
        return
    articles = list(Article.objects.order_by("slug"))
    for index, article in enumerate(articles[::5]):
        picks = [articles[(index * 7 + 11) % len(articles)], articles[(index * 13 + 29) % len(articles)]]
        for position, pick in enumerate(p for p in picks if p != article):
            RelatedArticle.objects.get_or_create(from_article=article, to_article=pick, defaults={"position": position})


def _accounts(password):
    User = get_user_model()
    chosen = password or secrets.token_urlsafe(12)
    created_any = False
    for email, display_name, flags, groups in ACCOUNTS:
        user, created = User.objects.get_or_create(email=email, defaults={"display_name": display_name, **flags})
        if created or password:
            user.set_password(chosen)
            user.save(update_fields=["password"])
        created_any |= created
        user.groups.add(*Group.objects.filter(name__in=groups))
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    emails = ", ".join(email for email, *_ in ACCOUNTS)
    if password:
        return [f"Accounts {emails}: password set to the one given."]
    if created_any:
        return [f"Accounts {emails}: password {chosen}"]
    return [f"Accounts {emails} already exist; their passwords are unchanged (use --password to set one)."]


def _subscriptions():
    """Two plans and three gift lengths (card payment needs their Stripe price IDs, set in
    the admin); the demo subscriber holds a year; a few codes to try the redemption form."""
    monthly, yearly = (
        Plan.objects.get_or_create(slug=slug, defaults=defaults)[0] for slug, defaults in content.PLANS.items()
    )
    for months, price in content.GIFT_OFFERS.items():
        GiftOffer.objects.get_or_create(months=months, defaults={"price": price})
    subscriber = get_user_model().objects.get(email="subscriber@example.com")
    if not Subscription.objects.filter(user=subscriber).active().exists():
        subscription_grant(
            user=subscriber,
            duration=timedelta(days=yearly.days),
            origin=Subscription.Origin.STAFF,
            plan=yearly,
            note="Compte de démonstration",
        )
    codes = list(AccessCode.objects.filter(batch="démo").values_list("code", flat=True))
    if not codes:
        codes = [code.code for code in access_codes_generate(count=3, plan=monthly, batch="démo")]
    return [f"Demo access codes (one month each): {', '.join(format_code(code) for code in codes)}"]


# Each section's letter: the busy ones every evening, the others on Saturday morning.
DAILY_LETTERS = {"Politique", "Économie", "International"}


def _newsletters(now):
    """La matinale (from the migrations) and a letter per section; the demo reader and
    subscriber receive La matinale, as does an address without an account; today's
    edition is put together, to preview in the admin ("Éditions")."""
    for section in Section.objects.all():
        daily = section.name in DAILY_LETTERS
        Newsletter.objects.get_or_create(
            section=section,
            defaults={
                "name": f"La lettre {section.name}",
                "slug": f"lettre-{section.slug}",
                "description": f"Le meilleur de la rubrique {section.name}.",
                "frequency": Newsletter.Frequency.DAILY if daily else Newsletter.Frequency.WEEKLY,
                "weekday": None if daily else Newsletter.Weekday.SATURDAY,
                "send_time": time(18, 0) if daily else time(9, 0),
                "position": 10 + section.position,
            },
        )
    morning = Newsletter.objects.filter(section__isnull=True).first()
    if morning is None:
        return []
    for email in ["reader@example.com", "subscriber@example.com", "sans-compte@example.com"]:
        if not morning.subscribers.filter(email=email).exists():
            subscribers_enrol(email=email, newsletters=[morning], language="fr")
    edition_assemble(newsletter=morning, day=timezone.localdate(now))
    schedule_ensure()
    return [f"{Newsletter.objects.count()} newsletters; today's edition of {morning.name} is ready in the admin."]


def _reads(now):
    """A day of reads, so that "Les plus lus" has something to show before anyone reads."""
    if ReadCount.objects.exists():
        return
    hour = now.replace(minute=0, second=0, microsecond=0)
    articles = list(Article.objects.published().newest_first()[:20])
    rows = []
    for rank, article in enumerate(articles):
        rng = random.Random(article.slug)
        for back in range(0, 24, 3):
            rows.append(
                ReadCount(article=article, hour=hour - timedelta(hours=back), count=rng.randint(5, 60) * (20 - rank))
            )
    ReadCount.objects.bulk_create(rows)


def _saved():
    """The demo reader's "Ma liste": four pieces to read later, one of them for subscribers
    (she keeps its teaser offline, as the site served it to her)."""
    reader = get_user_model().objects.get(email="reader@example.com")
    if SavedArticle.objects.of(reader).exists():
        return
    published = Article.objects.published().newest_first()
    picks = [
        *published.filter(access=Article.Access.PUBLIC)[2:5],
        *published.filter(access=Article.Access.SUBSCRIBERS)[:1],
    ]
    for article in picks:
        article_save(user=reader, article=article)


def _comments():
    if Comment.objects.exists():
        return
    reader = get_user_model().objects.get(email="reader@example.com")
    subscriber = get_user_model().objects.get(email="subscriber@example.com")
    articles = list(Article.objects.published().filter(access=Article.Access.PUBLIC).newest_first()[:6])
    for index, article in enumerate(articles):
        for text in content.COMMENTS[: 1 + index % 3]:
            root = Comment.objects.create(article=article, author=reader, body=text)
        Comment.objects.create(
            article=article,
            author=subscriber,
            body="Merci pour ce commentaire éclairant.",
            parent=root,
            in_reply_to=root,
        )
    # Something in the moderators' queue, which its author (subscriber@example.com) sees above
    # the thread and no one else does.
    Comment.objects.create(
        article=articles[0],
        author=subscriber,
        body="Voyez https://exemple.org pour en savoir plus.",
        status=Comment.Status.PENDING,
    )
    # A busy discussion: more threads than a page shows ("Suivants"), each page rendered
    # once for every reader (comments/rendering.py).
    for number in range(content.DISCUSSED_THREADS):
        Comment.objects.create(
            article=articles[1],
            author=(reader, subscriber)[number % 2],
            body=f"{content.COMMENTS[number % len(content.COMMENTS)]} ({number + 1})",
        )
