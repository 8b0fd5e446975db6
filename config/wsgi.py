import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Everything loaded so far lives as long as the worker: keep it out of the collector's full passes, which
# otherwise walk it (about 70 ms each, once every few dozen requests).
gc.freeze()
