import os

from django.core.wsgi import get_wsgi_application

from renda.env import require_secrets

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")
application = get_wsgi_application()
require_secrets()  # no server without its secrets (settings.MISSING_SECRETS)
