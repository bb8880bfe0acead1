import os

from django.core.wsgi import get_wsgi_application

from orienta.lib import runtime

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orienta.settings")
application = get_wsgi_application()
# Loaded: the garbage collector set for serving (under gunicorn's preload_app, in the master,
# before the workers fork).
runtime.settle()
