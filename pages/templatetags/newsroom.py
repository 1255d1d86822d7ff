from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article
from comments.selectors import pending_and_reported_counts
from subscriptions.selectors import active_subscriber_count

register = template.Library()


@register.inclusion_tag("admin/includes/newsroom_figures.html", takes_context=True)
def newsroom_figures(context):
    """Today's desk on the admin home: each figure links to the list behind it."""
    user = context["request"].user
    start_of_day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    articles = reverse("admin:articles_article_changelist")
    figures = []
    if user.has_perm("articles.view_article"):
        figures += [
            (
                _("Articles en relecture"),
                Article.objects.filter(status=Article.Status.REVIEW).count(),
                f"{articles}?status__exact=review",
            ),
            (_("Articles programmés"), Article.objects.scheduled().count(), f"{articles}?etat=programme"),
            (
                _("Publiés aujourd'hui"),
                Article.objects.published().filter(published_at__gte=start_of_day).count(),
                f"{articles}?etat=en-ligne&published_at__gte={start_of_day.date().isoformat()}",
            ),
        ]
    if user.has_perm("comments.view_comment"):
        counts = pending_and_reported_counts()
        figures += [
            (_("Commentaires en attente"), counts["pending"], reverse("admin:comments_pendingcomment_changelist")),
            (_("Commentaires signalés"), counts["reported"], reverse("admin:comments_reportedcomment_changelist")),
        ]
    if user.has_perm("subscriptions.view_subscription"):
        figures.append(
            (
                _("Abonnés actifs"),
                active_subscriber_count(),
                reverse("admin:subscriptions_subscription_changelist") + "?state=active",
            )
        )
    return {"figures": figures}
