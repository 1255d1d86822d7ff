"""Changes to the catalogue that are not steps of one article's workflow (`workflow.py`):
each a named function that checks who may make it, records it and retires what it makes
stale."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from infrastructure import scopes
from infrastructure.scopes import content_changed

from .models import FRONT_PAGE_SLOTS, Article, FrontPage, FrontPageSlot


def front_page_problems(articles):
    """Why this arrangement of the front page cannot stand (an empty list when it can)."""
    problems = []
    if len(articles) > FRONT_PAGE_SLOTS:
        problems.append(_("La une compte %(count)s places au plus.") % {"count": FRONT_PAGE_SLOTS})
    seen = set()
    for article in articles:
        if article.pk in seen:
            problems.append(_("« %(title)s » figure deux fois.") % {"title": article.title})
        seen.add(article.pk)
        if article.status != Article.Status.PUBLISHED:
            problems.append(
                _("« %(title)s » n'est ni publié ni programmé : il ne peut pas être mis à la une.")
                % {"title": article.title}
            )
    return problems


@transaction.atomic
def front_page_arrange(*, user, articles):
    """The editors choose the lead and the top stories ("À la une"), in this order.

    Recorded (who, when), and the front page and the lists retire at once. A scheduled
    piece may be placed: it shows when its time comes, like everywhere else.
    """
    if not user.has_perm("articles.change_frontpage"):
        raise PermissionDenied(_("Seuls les éditeurs composent la une."))
    articles = list(articles)
    problems = front_page_problems(articles)
    if problems:
        raise ValidationError(problems)
    FrontPage.current()
    front_page = FrontPage.objects.select_for_update().get(pk=1)
    front_page.slots.all().delete()
    FrontPageSlot.objects.bulk_create(
        FrontPageSlot(front_page=front_page, position=position, article=article)
        for position, article in enumerate(articles, start=1)
    )
    front_page.updated_at = timezone.now()
    front_page.updated_by = user
    front_page.save(update_fields=["updated_at", "updated_by"])
    content_changed(scopes.LISTS)
    return front_page
