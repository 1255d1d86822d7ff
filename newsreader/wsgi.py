"""WSGI entry point; production settings unless DJANGO_SETTINGS_MODULE says otherwise."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings.production")

application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the URLs, the models) lives as long as the
# process, yet Python's full collection walked all of it again and again: 90-105 ms per
# collection in a gunicorn worker, a pause that a request waiting on that worker shows at
# p99. Frozen, those objects are left out of every collection (full ones took 11-24 ms
# after this), and under `--preload` the workers forked from the master share their pages.
gc.collect()
gc.freeze()
