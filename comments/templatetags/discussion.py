from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_thread(context, discussion):
    """The page of threads as this reader sees it: the shared HTML with their controls and
    CSRF token filled in (`comments.rendering`), nothing rendered again."""
    return discussion["thread"].html_for(
        user=context["user"], recommended=discussion["recommended"], csrf_token=context.get("csrf_token")
    )
