"""E-mails about comments, sent by the background worker (`manage.py db_worker`), never
inside the reader's request; each in the recipient's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from .models import Comment


def _send(*, recipient, template, context):
    if not recipient.comment_notifications or not recipient.is_active:
        return False
    with translation.override(recipient.language):
        context = {**context, "recipient": recipient, "site_url": settings.NEWSREADER_SITE_URL}
        subject = render_to_string(f"comments/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"comments/email/{template}_message.txt", context)
        html = render_to_string(f"comments/email/{template}_message.html", context)
    send_mail(subject, text, None, [recipient.email], html_message=html)
    return True


@task()
def notify_reply(comment_id):
    reply = Comment.objects.select_related("author", "article", "in_reply_to__author").filter(pk=comment_id).first()
    if not reply or reply.status != Comment.Status.PUBLISHED or not reply.in_reply_to or not reply.in_reply_to.author:
        return False
    return _send(recipient=reply.in_reply_to.author, template="reply", context={"reply": reply})


@task()
def notify_featured(comment_id):
    comment = Comment.objects.select_related("author", "article").filter(pk=comment_id).first()
    if not comment or not comment.is_featured or not comment.author:
        return False
    return _send(recipient=comment.author, template="featured", context={"comment": comment})
