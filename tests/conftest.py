import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _exports_in_a_folder_of_their_own(settings, tmp_path):
    # Built at once (no background process), into a folder each test starts without.
    settings.KIDAL_EXPORT_ROOT = tmp_path / "exports"
    settings.KIDAL_EXPORTS_IN_BACKGROUND = False
    settings.KIDAL_SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached public pages are keyed by ids that another test's rolled-back data may reuse.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language(settings):
    # A request in French leaves French active in the thread; each test starts in English.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
