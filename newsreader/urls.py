from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from accounts import views as account_views
from comments import views as comment_views
from infrastructure.health import health
from pages import app, sitemaps

# The admin's login is allauth's: the same rate limits and multi-factor authentication.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Newsreader · rédaction")
admin.site.site_title = _("Newsreader · rédaction")
admin.site.index_title = _("Le bureau de la rédaction")

urlpatterns = [
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
    path("sante/", health, name="health"),
    # The installable app: the service worker's address is its scope, so it lives at the root.
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service_worker"),
    # Sitemaps name every language's address themselves: outside the language prefixes.
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap_index"),
    path("sitemap-news.xml", sitemaps.news_sitemap, name="sitemap_news"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap, name="sitemap"),
    path(settings.ADMIN_PATH, admin.site.urls),
]

# The language is in the address (French unprefixed, English under /en/), so a page's
# address alone says what it shows: no cookie decides, and caches stay simple.
urlpatterns += i18n_patterns(
    # allauth's sign-out, telling the browser to forget what it kept for this reader.
    path("comptes/logout/", account_views.sign_out, name="account_logout"),
    path("comptes/", include("allauth.urls")),
    path("compte/ma-liste/", include("saved.urls")),
    path("compte/commentaires/", comment_views.mine, name="my_comments"),
    path("compte/", include("accounts.urls")),
    path("commentaires/", include("comments.urls")),
    path("abonnement/", include("subscriptions.urls")),
    path("lettres/", include("newsletters.urls")),
    path("", include("pages.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
