"""Signed links in the letters' e-mails: they work without signing in, and only for the
address they were made for.

A confirmation link carries the address and the letters asked for, and expires; nothing
is stored until it is used, so a stranger's request leaves no trace of the address. An
unsubscribe link names one subscriber row and never expires: a letter read a year late
must still let its reader leave (RFC 8058 expects the link to keep working).
"""

from django.core import signing

CONFIRMATION_SALT = "newsletters.confirm"
UNSUBSCRIBE_SALT = "newsletters.unsubscribe"
CONFIRMATION_DAYS = 7


def confirmation_token(*, email, newsletter_ids, language):
    return signing.dumps(
        {"e": email, "n": sorted(newsletter_ids), "l": language}, salt=CONFIRMATION_SALT, compress=True
    )


def read_confirmation_token(token):
    """(email, newsletter ids, language), or None for a forged, damaged or expired link."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_DAYS * 24 * 3600)
        return str(data["e"]), [int(pk) for pk in data["n"]], str(data["l"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_token(subscriber):
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber.pk))


def read_unsubscribe_token(token):
    """The subscriber's primary key, or None."""
    try:
        return int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
