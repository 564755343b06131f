from django.contrib import admin
from django.urls import include, path

from . import views

# Every refused permission is written to the security log before the usual 403 page.
handler403 = "security.views.permission_denied"

urlpatterns = [
    path("health/live", views.live, name="live"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    path("", include("sources.urls")),
    path("", include("events.urls")),
]
