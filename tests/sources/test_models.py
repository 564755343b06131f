"""Model rules of sources and citations: constraints, clean() messages and __str__."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sources.models import Citation
from tests.factories import ActorFactory, CitationFactory, SourceFactory

pytestmark = pytest.mark.django_db

NOV_7 = datetime.date(2023, 11, 7)


def assert_rejected_by_database(save):
    with pytest.raises(IntegrityError), transaction.atomic():
        save()


def clean_errors(obj):
    with pytest.raises(ValidationError) as excinfo:
        obj.full_clean()
    return excinfo.value.message_dict


def test_duplicate_source_slug_is_rejected_by_the_database():
    SourceFactory(slug="rfi")
    assert_rejected_by_database(lambda: SourceFactory(slug="rfi"))


def test_duplicate_source_name_is_rejected_by_the_database():
    SourceFactory(name="RFI")
    assert_rejected_by_database(lambda: SourceFactory(name="RFI"))


def test_source_speaking_for_an_actor_must_be_a_party():
    source = SourceFactory.build(actor=ActorFactory(), is_party=False)
    assert clean_errors(source)["is_party"] == [
        "A source that speaks for an actor is a party to the conflict."
    ]


def test_party_source_speaking_for_an_actor_passes_clean():
    source = SourceFactory(actor=ActorFactory(name="CSP-PSD"), is_party=True)
    source.full_clean()


def test_citation_accessed_before_published_is_rejected_by_the_database():
    assert_rejected_by_database(
        lambda: CitationFactory(published_on=NOV_7, accessed_on=datetime.date(2023, 11, 6))
    )


def test_citation_accessed_before_published_fails_clean_on_accessed_on():
    citation = CitationFactory.build(
        source=SourceFactory(), published_on=NOV_7, accessed_on=datetime.date(2023, 11, 6)
    )
    assert clean_errors(citation)["accessed_on"] == [
        "A document cannot be accessed before it was published."
    ]


def test_citation_accessed_on_its_publication_day_passes_clean():
    citation = CitationFactory(published_on=NOV_7, accessed_on=NOV_7)
    citation.full_clean()


def test_duplicate_citation_url_is_rejected_by_the_database():
    url = "https://www.rfi.fr/fr/afrique/20231107-mali-frappe-de-drone-kidal"
    CitationFactory(url=url)
    assert_rejected_by_database(lambda: CitationFactory(url=url))


def test_duplicate_citation_url_fails_clean_on_url_with_a_readable_message():
    # An editor adding a citation that exists must see the error on the URL field, not a
    # constraint's internal name at the top of the form.
    url = "https://www.rfi.fr/fr/afrique/20231107-mali-frappe-de-drone-kidal"
    CitationFactory(url=url)
    errors = clean_errors(CitationFactory.build(source=SourceFactory(), url=url))
    assert "url" in errors
    assert "sources_citation_unique_url" not in str(errors)


def test_many_citations_may_have_no_url():
    CitationFactory(url="")
    CitationFactory(url="")
    CitationFactory(url="")
    assert Citation.objects.filter(url="").count() == 3


def test_same_document_from_the_same_source_on_the_same_day_is_rejected_by_the_database():
    first = CitationFactory(title="Mali : l'armée entre dans Kidal", published_on=NOV_7)
    assert_rejected_by_database(
        lambda: CitationFactory(source=first.source, title=first.title, published_on=NOV_7)
    )


def test_same_title_on_another_day_or_from_another_source_is_accepted():
    first = CitationFactory(title="Kidal", published_on=NOV_7)
    CitationFactory(source=first.source, title="Kidal", published_on=datetime.date(2023, 11, 14))
    CitationFactory(title="Kidal", published_on=NOV_7)
    assert Citation.objects.filter(title="Kidal").count() == 3


def test_str_of_source_is_its_name():
    assert str(SourceFactory(name="Jeune Afrique")) == "Jeune Afrique"


def test_str_of_citation_names_title_source_and_date():
    citation = CitationFactory(
        title="Frappe de drone à Kidal", source=SourceFactory(name="RFI"), published_on=NOV_7
    )
    assert str(citation) == "Frappe de drone à Kidal (RFI, 2023-11-07)"


def test_str_of_undated_citation_leaves_the_date_out():
    citation = CitationFactory(
        title="Communiqué", source=SourceFactory(name="FAMa"), published_on=None
    )
    assert str(citation) == "Communiqué (FAMa)"


def test_source_alias_list_skips_blank_lines():
    source = SourceFactory(aliases="Radio France Internationale\n\n RFI Afrique ")
    assert source.alias_list == ["Radio France Internationale", "RFI Afrique"]
