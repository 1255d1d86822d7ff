"""Purges of the edge cache in front of the site (nginx's `proxy_cache_purge`, see deploy/).

The edge keeps anonymous pages for as long as the site's Cache-Control allows; when
content changes, the pages built from it are purged there too, so readers behind the
proxy see a comment or a correction at once. A purge that fails is logged and forgotten:
the page then lives at the edge until its max-age, never longer.
"""

import logging
from urllib.parse import quote
from urllib.request import Request, urlopen

from django.conf import settings

logger = logging.getLogger(__name__)


def purge(paths):
    """Ask the edge to forget these addresses (paths with their query), for every host."""
    base = settings.NEWSREADER_EDGE_PURGE_URL
    if not base:
        return
    for host in settings.NEWSREADER_EDGE_HOSTS:
        for path in paths:
            address = f"{base.rstrip('/')}{quote(path, safe='/?=&')}"
            request = Request(address, headers={"Host": host})  # noqa: S310 (an address from settings)
            try:
                with urlopen(request, timeout=1) as response:  # noqa: S310 (an address from settings)
                    response.read()
            except OSError as error:
                # 404 means it was not cached: nothing to forget.
                if getattr(error, "code", None) != 404:
                    logger.warning("Edge purge of %s%s failed: %s", host, path, error)
