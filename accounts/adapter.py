from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils.translation import get_language

from newsletters.services import account_email_verified


@dataclass(frozen=True)
class PublicSite:
    """What account e-mails say of the site: its name and the host they link to."""

    name: str
    domain: str


def public_url(url):
    """`url` (a path, or an address on whatever host a request came in on) on the site's
    public address, NEWSREADER_SITE_URL: an e-mail names one host and links to it alone."""
    parts = urlsplit(url)
    return settings.NEWSREADER_SITE_URL + parts.path + (f"?{parts.query}" if parts.query else "")


class AccountAdapter(DefaultAccountAdapter):
    def login(self, request, user):
        """Remember the language a reader signs in with: our e-mails to them use it."""
        language = (get_language() or "fr")[:2]
        if user.pk and user.language != language:
            user.language = language
            user.save(update_fields=["language"])
        return super().login(request, user)

    def confirm_email(self, request, email_address):
        """A verified address is the opt-in for the letters asked for at sign-up."""
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            account_email_verified(user=email_address.user, email=email_address.email)
        return confirmed

    def send_mail(self, template_prefix, email, context):
        """Every account e-mail names the public address and links to it, whatever host
        the request that sent it came in on."""
        context = {
            **{key: public_url(value) if key.endswith("_url") and value else value for key, value in context.items()},
            "current_site": PublicSite(
                name=Site.objects.get_current().name, domain=urlsplit(settings.NEWSREADER_SITE_URL).netloc
            ),
        }
        super().send_mail(template_prefix, email, context)

    def get_email_confirmation_url(self, request, emailconfirmation):
        """The confirmation link carries where the reader was (the sign-up's `next`).

        allauth signs the reader in on confirmation only in the browser that signed up,
        and takes them back there from that session. Opened anywhere else, the link leads
        to the sign-in page with the same `next`: they sign in and are back on their page.
        """
        url = public_url(reverse("account_confirm_email", args=[emailconfirmation.key]))
        came_from = request and (request.POST.get("next") or request.GET.get("next"))
        if came_from and self.is_safe_url(came_from):
            sign_in = f"{reverse('account_login')}?{urlencode({'next': came_from})}"
            url += f"?{urlencode({'next': sign_in})}"
        return url
