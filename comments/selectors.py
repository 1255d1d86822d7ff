def comments_for_article(*, article):
    """The published comments under an article, with their authors, in one query."""
    return list(article.comments.visible().select_related("author"))
