"""A claim's figure form: the constraints of each form, clean() messages on the field to fix,
the admin form round trip, and how the one formatter writes each form in English and French."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from events.figures import format_figure
from events.models import Claim
from tests.admin_forms import admin_form_data
from tests.factories import CitationFactory, ClaimFactory, EventFactory, editor
from tests.history.helpers import form_errors, model_url

pytestmark = pytest.mark.django_db
Kind = Claim.FigureKind


# (form, low, high) the database refuses: every form with numbers that say something else.
INCONSISTENT = [
    ("", 10, None),
    ("", None, 10),
    (Kind.EXACT, None, None),
    (Kind.EXACT, 10, None),
    (Kind.EXACT, 10, 12),
    (Kind.AT_LEAST, None, None),
    (Kind.AT_LEAST, 10, 12),
    (Kind.AT_LEAST, None, 10),
    (Kind.AT_MOST, None, None),
    (Kind.AT_MOST, 10, None),
    (Kind.AT_MOST, 10, 12),
    (Kind.RANGE, 10, None),
    (Kind.RANGE, None, 10),
    (Kind.RANGE, 12, 12),
    (Kind.RANGE, 14, 10),
    ("about", 10, 10),
]


@pytest.mark.parametrize("kind,low,high", INCONSISTENT)
def test_the_database_refuses_numbers_that_do_not_match_the_form(kind, low, high):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(figure_kind=kind, figure_low=low, figure_high=high, figure_unit="killed")


def test_the_database_refuses_a_figure_without_a_unit():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(figure_kind=Kind.AT_MOST, figure_high=10, figure_unit="")


@pytest.mark.parametrize(
    "kind,low,high",
    [("", None, None), (Kind.EXACT, 12, 12), (Kind.AT_LEAST, 12, None)]
    + [(Kind.AT_MOST, None, 12), (Kind.RANGE, 12, 20)],
)
def test_the_database_accepts_each_form_stored_its_way(kind, low, high):
    unit = "killed" if kind else ""
    ClaimFactory(figure_kind=kind, figure_low=low, figure_high=high, figure_unit=unit)


def clean_errors(kind, low, high, unit="civilians killed"):
    claim = ClaimFactory.build(
        event=EventFactory(), figure_kind=kind, figure_low=low, figure_high=high, figure_unit=unit
    )
    with pytest.raises(ValidationError) as raised:
        claim.full_clean()
    return {k: v for k, v in raised.value.message_dict.items() if k.startswith("figure")}


@pytest.mark.parametrize(
    "kind,low,high,errors",
    [
        (
            "",
            10,
            None,
            {"figure_kind": ["Say whether the figure is exact, a minimum, a maximum or a range."]},
        ),
        (Kind.EXACT, None, None, {"figure_low": ["Give the figure."]}),
        (
            Kind.EXACT,
            10,
            12,
            {
                "figure_high": [
                    "An exact figure is one number: leave the high figure empty or give the "
                    "same one, or choose a range."
                ]
            },
        ),
        (
            Kind.AT_LEAST,
            None,
            None,
            {"figure_low": ["Give the minimum claimed as the low figure."]},
        ),
        (
            Kind.AT_LEAST,
            10,
            12,
            {"figure_high": ["A minimum has no high figure: leave it empty, or choose a range."]},
        ),
        (
            Kind.AT_MOST,
            None,
            None,
            {"figure_high": ["Give the maximum claimed as the high figure."]},
        ),
        (
            Kind.AT_MOST,
            10,
            None,
            {
                "figure_high": ["Give the maximum claimed as the high figure."],
                "figure_low": ["A maximum has no low figure: leave it empty, or choose a range."],
            },
        ),
        (Kind.RANGE, None, 20, {"figure_low": ["Give the low end of the range."]}),
        (Kind.RANGE, 10, None, {"figure_high": ["Give the high end of the range."]}),
        (
            Kind.RANGE,
            20,
            20,
            {"figure_high": ["The high end of a range must be above the low end."]},
        ),
    ],
)
def test_clean_says_what_to_fix_on_the_field_to_fix(kind, low, high, errors):
    assert clean_errors(kind, low, high) == errors


def test_clean_asks_what_the_figure_counts():
    assert clean_errors(Kind.AT_MOST, None, 10, unit=" ") == {
        "figure_unit": ["Say what the figure counts."]
    }


@pytest.mark.parametrize("given", [(12, None), (None, 12), (12, 12)])
def test_an_exact_figure_given_once_is_stored_as_both_bounds(given):
    low, high = given
    claim = ClaimFactory.build(
        event=EventFactory(),
        figure_kind=Kind.EXACT,
        figure_low=low,
        figure_high=high,
        figure_unit="civilians killed",
    )
    claim.full_clean()
    assert (claim.figure_low, claim.figure_high) == (12, 12)


WORDING = [
    (Kind.EXACT, 12, 12, "12 civilians killed", "12 civilians killed"),
    (Kind.AT_LEAST, 12, None, "at least 12 civilians killed", "au moins 12 civilians killed"),
    (Kind.AT_MOST, None, 12, "at most 12 civilians killed", "au plus 12 civilians killed"),
    (Kind.RANGE, 12, 20, "12–20 civilians killed", "entre 12 et 20 civilians killed"),
    (
        Kind.RANGE,
        40000,
        50000,
        "40,000–50,000 civilians killed",
        "entre 40\xa0000 et 50\xa0000 civilians killed",
    ),
    ("", None, None, "", ""),
]


@pytest.mark.parametrize("kind,low,high,english,french", WORDING)
def test_each_form_is_written_in_english_and_french(kind, low, high, english, french):
    claim = Claim(
        figure_kind=kind, figure_low=low, figure_high=high, figure_unit="civilians killed"
    )
    with translation.override("en"):
        assert claim.figure_display == english
    with translation.override("fr"):
        assert claim.figure_display == french
    assert format_figure(kind, low, high, "civilians killed") == english


@pytest.mark.parametrize(
    "kind,entered,stored,shown",
    [
        (Kind.EXACT, ("12", ""), (12, 12), "12 civilians killed"),
        (Kind.AT_LEAST, ("12", ""), (12, None), "at least 12 civilians killed"),
        (Kind.AT_MOST, ("", "12"), (None, 12), "at most 12 civilians killed"),
        (Kind.RANGE, ("12", "20"), (12, 20), "12–20 civilians killed"),
    ],
)
def test_each_form_round_trips_through_the_admin_form(client, kind, entered, stored, shown):
    client.force_login(editor())
    response = client.get(model_url(Claim, "add"))
    assert 'name="figure_kind"' in response.content.decode()
    data = admin_form_data(
        response,
        event=str(EventFactory().pk),
        text="The strikes killed civilians.",
        kind=Claim.Kind.CASUALTIES,
        claimant_label="medical sources",
        figure_kind=kind,
        figure_low=entered[0],
        figure_high=entered[1],
        figure_unit="civilians killed",
        **{"citation_links-0-citation": str(CitationFactory().pk)},
    )

    response = client.post(model_url(Claim, "add"), data)

    assert response.status_code == 302, form_errors(response)
    claim = Claim.objects.get(text="The strikes killed civilians.")
    assert (claim.figure_kind, claim.figure_low, claim.figure_high) == (kind, *stored)
    # Opened again, the form shows the same choice and numbers.
    form = (
        client.get(f"{model_url(Claim, 'changelist')}{claim.pk}/change/").context["adminform"].form
    )
    assert (
        form["figure_kind"].value(),
        form["figure_low"].value(),
        form["figure_high"].value(),
    ) == (
        kind,
        *stored,
    )
    changelist = client.get(model_url(Claim, "changelist")).content.decode()
    assert shown in changelist


def test_the_admin_form_refuses_a_maximum_entered_as_the_low_figure(client):
    client.force_login(editor())
    response = client.get(model_url(Claim, "add"))
    data = admin_form_data(
        response,
        event=str(EventFactory().pk),
        text="Up to twelve were killed.",
        kind=Claim.Kind.CASUALTIES,
        claimant_label="medical sources",
        figure_kind=Kind.AT_MOST,
        figure_low="12",
        figure_unit="civilians killed",
        **{"citation_links-0-citation": str(CitationFactory().pk)},
    )

    response = client.post(model_url(Claim, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["figure_low"] == [
        "A maximum has no low figure: leave it empty, or choose a range."
    ]
