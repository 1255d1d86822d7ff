"""Reads for the discussion: a constant number of queries whatever the number of comments."""

from collections import defaultdict
from functools import partial

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.utils.translation import get_language

from infrastructure import sql
from infrastructure.page_cache import remember

from . import rendering, rules
from .forms import DEFAULT_SORT, SORTS, CommentForm
from .models import Comment, ModerationSettings, Recommendation


def moderation_settings(*, generation):
    """The rules, cached under the generation of the scopes the page depends on (which
    include the moderation scope that saving them retires)."""
    return remember("moderation-settings", ModerationSettings.current, generation=generation)


PAGE_SIZE = 20
# Past this, no discussion has a page: the number would only overflow the database's
# integers (an OFFSET of 20 × 10²⁰ is a 500 on both SQLite and PostgreSQL).
MAX_PAGE_NUMBER = 99_999


def page_number(value):
    """A 1-based page number from the query string; anything else is a 404."""
    return _number_or_404(value, absent=1, maximum=MAX_PAGE_NUMBER, what="page number")


def _number_or_404(value, *, absent, maximum, what):
    """A number from the query string between 1 and `maximum`, `absent` when not given;
    anything else is a 404."""
    if value in (None, ""):
        return absent
    try:
        number = int(value)
    except ValueError as error:
        raise Http404(f"Bad {what}") from error
    if not 1 <= number <= maximum:
        raise Http404(f"Bad {what}")
    return number


# Replies shown under each thread of a page; the others are one link away ("Afficher les
# N autres réponses", the thread alone), so that a thread of 500 replies costs a page what
# a thread of five does.
REPLIES_SHOWN = 5
# Comment ids fit the database's integers: past this, `?fil=` names no thread (and is a 404).
MAX_COMMENT_ID = 2**31 - 1


def thread_number(value):
    """The top-level comment named by `?fil=`, alone with all its replies; None for the page
    of threads; anything else is a 404."""
    return _number_or_404(value, absent=None, maximum=MAX_COMMENT_ID, what="thread")


def comment_thread(*, article, sort=DEFAULT_SORT, page=1, alone=None):
    """One page of top-level comments (featured first), each with its first replies and the
    number of the others; or, `alone`, that one top-level comment with all its replies.
    Two queries."""
    live_replies = (
        Comment.objects.visible().filter(parent=OuterRef("pk")).order_by().values("parent").annotate(n=Count("pk"))
    )
    roots = (
        article.comments.filter(parent__isnull=True)
        .shown_in_thread()
        .annotate(reply_count=Coalesce(Subquery(live_replies.values("n")), 0))
        .select_related("author")
        .order_by("-is_featured", *SORTS[sort][0], "pk")
    )
    if alone is not None:
        comments, has_next = list(roots.filter(pk=alone)), False
        if not comments:
            raise Http404("No such thread")
    else:
        start = (page - 1) * PAGE_SIZE
        comments = list(roots[start : start + PAGE_SIZE + 1])
        if page > 1 and not comments:
            raise Http404("No such page of comments")
        has_next, comments = len(comments) > PAGE_SIZE, comments[:PAGE_SIZE]
    replies = defaultdict(list)
    if comments:
        shown = (
            Comment.objects.visible()
            .filter(parent__in=[comment.pk for comment in comments])
            .select_related("author", "in_reply_to__author")
            .order_by("created_at", "pk")
        )
        if alone is None:
            first = Window(RowNumber(), partition_by=F("parent_id"), order_by=(F("created_at").asc(), F("pk").asc()))
            shown = shown.annotate(rank=first).filter(rank__lte=REPLIES_SHOWN)
        for reply in shown:
            replies[reply.parent_id].append(reply)
    for comment in comments:
        comment.thread_replies = replies[comment.pk]
        comment.more_replies = comment.reply_count - len(comment.thread_replies)
    return {
        "comments": comments,
        "page": page,
        "has_next": has_next,
        "sort": sort,
        "sorts": SORTS,
        "alone": alone,
    }


def commenter(*, user):
    """The signed-in reader with what commenting needs to know about them, in one query
    (none when the authentication backend already loaded it that way)."""
    if hasattr(user, "has_verified_email"):
        return user
    return (
        get_user_model()
        .objects.select_related("commenter_standing")
        .annotate(has_verified_email=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)))
        .get(pk=user.pk)
    )


# Relative ages ("il y a 3 minutes") in a cached thread are at most this late, as on a page
# the anonymous page cache keeps.
THREAD_SECONDS = 60


def discussion(*, user, article, reading, generation, sort=None, page=None, alone=None, form=None):
    """Everything the comments section of an article page shows to this reader, who reads
    the piece as `reading` says (the access rule's answer for this visit): a page of
    threads, or with `alone` (`?fil=`) one thread with all its replies."""
    settings = moderation_settings(generation=generation)
    permission = rules.can_comment(
        user=commenter(user=user) if user.is_authenticated else user, article=article, rules=settings, reading=reading
    )
    page = page_number(page)
    sort = sort if sort in SORTS else DEFAULT_SORT
    alone = thread_number(alone)
    # The thread's HTML is the same for every reader (see `rendering`): built once per
    # process under the content generation, which any change to the discussion retires.
    thread = remember(
        f"comment-thread:{article.pk}:{sort}:{page}:{alone}:{get_language()}",
        lambda: rendering.build(comment_thread(article=article, sort=sort, page=page, alone=alone)),
        generation=generation,
        seconds=THREAD_SECONDS,
    )
    recommended, pending = own_parts(user=user, article=article, shown=thread.shown)
    return {
        "thread": thread,
        "permission": permission,
        "form": form or (CommentForm() if permission else None),
        "recommended": recommended,
        "pending": pending,
    }


def section_key(discussion):
    """What the comments section shows besides its page of threads (a request part of its
    own, see `infrastructure.assembly`), as a key shared by every reader in the same case;
    None when it shows something of this reader's alone: their comments awaiting
    moderation, or the form they sent with its errors."""
    form = discussion["form"]
    if discussion["pending"] or (form is not None and form.is_bound):
        return None
    thread = discussion["thread"]
    return f"{thread.sort}:{thread.page}:{thread.alone}:{discussion['permission']!r}"


def own_parts(*, user, article, shown):
    """What of the discussion is this reader's alone, never in the shared thread: which
    comments of the page (`shown`) they recommended, and their own comments under the
    article that await moderation (shown to them only). One query, and a second only for a
    reader who has comments awaiting moderation here."""
    if not user.is_authenticated:
        return frozenset(), []
    marks = sql.rows(Comment, *_own_marks_sql(user=user, article=article, shown=shown))
    pending = [pk for pk, mark in marks if mark == "pending"]
    if pending:
        pending = list(
            Comment.objects.filter(pk__in=pending)
            .select_related("author", "in_reply_to__author")
            .order_by("created_at", "pk")
        )
    return frozenset(pk for pk, mark in marks if mark == "recommended"), pending


def _own_marks_sql(*, user, article, shown):
    """Every signed-in reader's article page asks this, so it is written in SQL (see
    `infrastructure.sql`; built by the ORM, an `Exists()` and two joins, it cost 2.5 ms of
    CPU for 0.1 ms in the database): the reader's pending comments under the article, then
    which of the shown comments they recommended (index `one_recommendation_per_reader`)."""
    table, column = Comment._meta.db_table, partial(sql.column, Comment)
    query = (
        f"SELECT {column('id')}, 'pending' FROM {table} "  # noqa: S608 (names from the models)
        f"WHERE {column('article')} = %s AND {column('author')} = %s AND {column('status')} = %s"
    )
    params = [article.pk, user.pk, Comment.Status.PENDING]
    if shown:
        table, column = Recommendation._meta.db_table, partial(sql.column, Recommendation)
        query += (
            f" UNION ALL SELECT {column('comment')}, 'recommended' FROM {table} "  # noqa: S608 (names from the models)
            f"WHERE {column('user')} = %s AND {column('comment')} IN ({', '.join(['%s'] * len(shown))})"
        )
        params += [user.pk, *shown]
    return query, params


def comments_of(*, user, page):
    """ "Mes commentaires": mine, newest first, with their status and the replies they got."""
    mine = Comment.objects.filter(author=user).exclude(status=Comment.Status.DELETED).select_related("article")
    paginator = Paginator(mine.order_by("-created_at", "-pk"), PAGE_SIZE)
    try:
        current = paginator.page(page)
    except InvalidPage as error:
        raise Http404(str(error)) from error
    replies = defaultdict(list)
    for reply in (
        Comment.objects.visible()
        .filter(in_reply_to__in=[comment.pk for comment in current.object_list])
        .select_related("author")
        .order_by("created_at")
    ):
        replies[reply.in_reply_to_id].append(reply)
    for comment in current.object_list:
        comment.replies_received = replies[comment.pk]
    return current


def pending_and_reported_counts():
    """The moderators' two queues, counted in one query (for the admin home)."""
    return Comment.objects.aggregate(
        pending=Count("pk", filter=Q(status=Comment.Status.PENDING)),
        reported=Count("pk", filter=Q(report_count__gt=0, status=Comment.Status.PUBLISHED)),
    )
