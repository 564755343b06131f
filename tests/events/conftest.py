import pytest

from tests import factories

from .helpers import superuser


@pytest.fixture
def editor(db):
    return factories.editor("editor")


@pytest.fixture
def other_editor(db):
    return factories.editor("other_editor")


@pytest.fixture
def reviewer(db):
    return factories.reviewer("reviewer")


@pytest.fixture
def other_reviewer(db):
    return factories.reviewer("other_reviewer")


@pytest.fixture
def boss(db):
    return superuser("boss")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
