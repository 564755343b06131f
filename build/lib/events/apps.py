from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and claims")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import versioning  # noqa: F401  (registers models with django-reversion)
