from datetime import time, timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from articles.models import Article, Author, ReadCount, RelatedArticle, Section, Source, Tag
from comments.models import Comment
from newsletters.models import Newsletter, Subscriber
from subscriptions.models import AccessCode, MeteredRead, Plan, Subscription


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Lecteur {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if create:
            user.save()


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Le Journal {n}")
    slug = factory.Sequence(lambda n: f"le-journal-{n}")
    website = "https://journal.example"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"Rubrique {n}")
    slug = factory.Sequence(lambda n: f"rubrique-{n}")
    position = factory.Sequence(int)


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Journaliste {n}")
    slug = factory.Sequence(lambda n: f"journaliste-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Sujet {n}")
    slug = factory.Sequence(lambda n: f"sujet-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Titre de l'article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    kicker = "DÉCRYPTAGE"
    standfirst = "Un chapô qui résume l'article en une phrase."
    body = "Premier paragraphe.\n\nDeuxième paragraphe.\n\n## « Un intertitre »\n\nTroisième paragraphe."
    source = factory.SubFactory(SourceFactory)
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))

    class Params:
        # With a photograph, as most pieces that open a page have.
        illustrated = factory.Trait(
            hero_image=factory.django.ImageField(width=800, height=450, format="JPEG", color="gray"),
            hero_alt="Une photographie d'illustration",
        )

    @factory.post_generation
    def authors(article, create, extracted, **kwargs):
        if create and extracted:
            article.authors.set(extracted)

    @factory.post_generation
    def tags(article, create, extracted, **kwargs):
        if create and extracted:
            article.tags.set(extracted)


class RelatedArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedArticle

    from_article = factory.SubFactory(ArticleFactory)
    to_article = factory.SubFactory(ArticleFactory)
    position = 0


class ReadCountFactory(factory.django.DjangoModelFactory):
    """Reads of an article in the current hour, as the background worker records them."""

    class Meta:
        model = ReadCount

    article = factory.SubFactory(ArticleFactory)
    hour = factory.LazyFunction(lambda: timezone.now().replace(minute=0, second=0, microsecond=0))
    count = 10


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(UserFactory)
    body = "Un commentaire mesuré."


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    name = factory.Sequence(lambda n: f"Formule {n}")
    slug = factory.Sequence(lambda n: f"formule-{n}")
    price = Decimal("9.99")
    period = Plan.Period.MONTH


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    user = factory.SubFactory(UserFactory)
    plan = factory.SubFactory(PlanFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))


class MeteredReadFactory(factory.django.DjangoModelFactory):
    """A free article of the month already read (the meter's next slot)."""

    class Meta:
        model = MeteredRead

    user = factory.SubFactory(UserFactory)
    article = factory.SubFactory(ArticleFactory, access=Article.Access.SUBSCRIBERS)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    slot = factory.LazyAttribute(lambda read: MeteredRead.objects.filter(user=read.user, month=read.month).count() + 1)


class AccessCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessCode

    code = factory.Sequence(lambda n: f"CODE{n:08d}")
    days = 30


class NewsletterFactory(factory.django.DjangoModelFactory):
    """La matinale by default (no section, daily at 7:00, Paris time)."""

    class Meta:
        model = Newsletter
        django_get_or_create = ["slug"]

    name = "La matinale"
    slug = "la-matinale"
    send_time = time(7, 0)


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed address receiving a letter; give `user` for a reader with an account."""

    class Meta:
        model = Subscriber

    newsletter = factory.SubFactory(NewsletterFactory)
    user = None
    email = factory.LazyAttributeSequence(lambda s, n: s.user.email if s.user else f"adresse{n}@example.net")
    confirmed_at = factory.LazyFunction(timezone.now)


def moderation_rules(**changes):
    """The site's moderation rules with some changed (the row always exists)."""
    from comments.models import ModerationSettings

    rules = ModerationSettings.current()
    for name, value in changes.items():
        setattr(rules, name, value)
    rules.save()
    return rules


def staff_member(group):
    """A staff account in one of the newsroom's groups (Authors, Editors, Moderators)."""
    from django.contrib.auth.models import Group

    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user
