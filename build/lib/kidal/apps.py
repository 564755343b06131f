from django.contrib.admin.apps import AdminConfig


class KidalAdminConfig(AdminConfig):
    default_site = "kidal.admin_site.KidalAdminSite"
