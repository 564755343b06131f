import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidal.settings")
application = get_wsgi_application()

# Import every view now rather than on the first request, then put all that is loaded out of
# the garbage collector's reach: its full collections would otherwise walk the hundred
# thousand objects of the code every few dozen requests, adding 50–100 ms to one of them.
import_module(settings.ROOT_URLCONF)
gc.freeze()
# A page allocates tens of thousands of objects. At Python's default threshold (700) the
# collector runs dozens of times during one request and moves the request's objects, still
# in use, into older generations, where they wait, dead, for a long full collection.
gc.set_threshold(5000, 10, 10)
