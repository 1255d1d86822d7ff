from django.urls import path

from . import app, feeds, search, views

# URL names say what readers address (articles, sections…), not which app composes the page.
app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("actualites/", views.latest, name="latest"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("articles/<slug:slug>/apercu/", views.article_preview, name="preview"),
    path("articles/<slug:slug>/ecouter/", views.article_audio, name="audio"),
    path("commentaires/articles/<slug:slug>/", views.article_comment, name="comment"),
    path("rubriques/<slug:slug>/", views.section_detail, name="section"),
    path("sources/<slug:slug>/", views.source_detail, name="source"),
    path("sujets/<slug:slug>/", views.tag_detail, name="tag"),
    path("auteurs/<slug:slug>/", views.author_detail, name="author"),
    path("infos/<slug:slug>/", views.info_page, name="info_page"),
    path("hors-ligne/", app.offline, name="offline"),
    path("recherche/", search.search, name="search"),
    path("flux/", feeds.feed_list, name="feeds"),
    path("flux/prive/<str:token>/", feeds.private_feed, name="private_feed"),
    path("flux/<str:fmt>/", feeds.site_feed, name="site_feed"),
    path("rubriques/<slug:slug>/flux/<str:fmt>/", feeds.list_feed, {"kind": "section"}, name="section_feed"),
    path("sources/<slug:slug>/flux/<str:fmt>/", feeds.list_feed, {"kind": "source"}, name="source_feed"),
    path("sujets/<slug:slug>/flux/<str:fmt>/", feeds.list_feed, {"kind": "tag"}, name="tag_feed"),
    path("auteurs/<slug:slug>/flux/<str:fmt>/", feeds.list_feed, {"kind": "author"}, name="author_feed"),
]
