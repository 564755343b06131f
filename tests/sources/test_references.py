import dataclasses
import datetime
from pathlib import Path

import pytest

from sources.references import (
    EXAMPLE_DATES,
    EXAMPLE_LINES,
    ParsedReference,
    ReferenceParseError,
    UnparsedLine,
    parse_reference,
    parse_reference_list,
)

DATA = Path(__file__).parent / "data"
OFFENSIVE = DATA / "offensive_references.txt"
BATTLE_OF_KIDAL = DATA / "battle_of_kidal_references.txt"

# Every field except line_number and raw, with the values a bare reference has.
BLANK_FIELDS = {
    "title": "",
    "outlet": "",
    "published_on": None,
    "published_precision": "",
    "accessed_on": None,
    "language": "",
    "authors": (),
    "url": "",
    "archive_url": "",
    "archived_on": None,
    "kind": "",
    "platform": "",
}


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def fields_of(reference: ParsedReference) -> dict:
    fields = dataclasses.asdict(reference)
    del fields["line_number"], fields["raw"]
    return fields


def parsed_file(path: Path) -> dict[int, ParsedReference]:
    parsed, unparsed = parse_reference_list(path.read_text(encoding="utf-8"))
    assert unparsed == []
    return {reference.line_number: reference for reference in parsed}


@pytest.mark.parametrize(("path", "count"), [(OFFENSIVE, 71), (BATTLE_OF_KIDAL, 25)])
def test_every_reference_of_the_seed_lists_parses(path, count):
    parsed, unparsed = parse_reference_list(path.read_text(encoding="utf-8"))

    assert unparsed == []
    assert len(parsed) == count
    assert [reference.line_number for reference in parsed] == list(range(1, count + 1))
    assert all(reference.title and reference.accessed_on for reference in parsed)


@pytest.mark.parametrize(
    ("line_number", "expected"),
    [
        pytest.param(
            5,
            {
                "kind": "web",
                "authors": ("Parens, Raphael",),
                "published_on": day("2022-03-18"),
                "published_precision": "day",
                "title": "The Wagner Group's Playbook in Africa: Mali",
                "accessed_on": day("2024-05-27"),
                "outlet": "Foreign Policy Research Institute",
            },
            id="author pair and spelled-out dates",
        ),
        pytest.param(
            3,
            {
                "kind": "web",
                "published_on": day("2023-04-01"),
                "published_precision": "month",
                # The title's own period stays: the separator is the " . " after it.
                "title": "Decreasing tensions between peace agreement signatory groups "
                "in Mali may benefit trafficking flows.",
                "accessed_on": day("2024-05-27"),
                "outlet": "Global Initiative against Transnational Organized Crime",
            },
            id="month precision and the title's final period kept",
        ),
        pytest.param(
            1,
            {
                "kind": "web",
                "title": "Observing the 2015 Mali Peace Agreement",
                "accessed_on": day("2024-05-27"),
                "outlet": "The Carter Center",
                "language": "en",
            },
            id="en-US and no publication date",
        ),
        pytest.param(
            71,
            {
                "kind": "web",
                "authors": ("Laabid, Rania",),
                "published_on": day("2023-11-14"),
                "published_precision": "day",
                "title": "L'Boulevard 2023: Tinariwen remplacé par Gultrah Sound System",
                "accessed_on": day("2024-05-29"),
                "outlet": "Femmes du Maroc",
                "language": "fr",
            },
            id="Laabid fr-FR",
        ),
        pytest.param(
            2,
            {
                "kind": "web",
                "published_on": day("2024-01-26"),
                "published_precision": "day",
                "title": "Mali's Peace Deal Ends Human Rights Watch",
                "accessed_on": day("2024-05-27"),
                "language": "en",
            },
            id="no outlet field",
        ),
        pytest.param(
            11,
            {
                "kind": "web",
                "authors": ("Bamada.net",),
                "published_on": day("2023-09-25"),
                "published_precision": "day",
                "title": "Dévision au sein des groupes armés du Nord: le MSA de Moussa Ag "
                "Acharatoumane se retire du CSP-PSD et réaffirme son engagement auprès du "
                "Gouvernement",
                "accessed_on": day("2024-05-28"),
                "outlet": "Bamada.net",
                "language": "en",
            },
            id="organisation as sole author",
        ),
        pytest.param(
            35,
            {
                "kind": "web",
                "authors": ("Macé, Célian",),
                "title": "Au Mali, l'armée tente de forcer les portes du Nord",
                "accessed_on": day("2024-05-29"),
                "outlet": "Libération",
                "language": "fr",
            },
            id="authors without publication date",
        ),
        pytest.param(
            36,
            {
                "kind": "news",
                "published_on": day("2023-10-19"),
                "published_precision": "day",
                "title": 'L\'ONU se retire du Mali, la junte dénonce une " trahison " et '
                "accuse la France",
                "accessed_on": day("2024-05-29"),
                "outlet": "Le Monde.fr",
                "language": "fr",
            },
            id="News kind",
        ),
        pytest.param(
            53,
            {
                "title": "Mali: la bataille pour Kidal se poursuit, l'armée malienne et les "
                "forces de Wagner se rapprochent",
                "published_on": day("2023-11-13"),
                "published_precision": "day",
                "accessed_on": day("2024-05-29"),
                "platform": "YouTube",
            },
            id="no kind, publication date after the title, on YouTube",
        ),
        pytest.param(
            59,
            {
                "kind": "web",
                "published_on": day("2023-12-21"),
                "published_precision": "day",
                "title": "Mali: le Jnim revendique l'attaque d'un poste de l'armée malienne "
                "à Dinangourou",
                "accessed_on": day("2024-05-29"),
                "outlet": "RFI",
                "language": "fr",
                "archive_url": "https://web.archive.org/web/20231221140832/https://www.rfi.fr/"
                "fr/en-bref/20231221-mali-le-jnim-revendique-l-attaque-d-un-poste-de-l-arm%C3%A9"
                "e-malienne-%C3%A0-dinangourou",
                "archived_on": day("2023-12-21"),
            },
            id="archive URL and date",
        ),
        pytest.param(
            63,
            {
                "kind": "web",
                "published_on": day("2023-12-04"),
                "published_precision": "day",
                "title": "Ménaka, Labbezanga... cinq attaques jihadistes au Mali dimanche, "
                "plusieurs dizaines de soldats tués",
                "accessed_on": day("2024-05-29"),
                "outlet": "RFI",
                "language": "fr",
            },
            id="ellipsis inside the title",
        ),
    ],
)
def test_offensive_reference_fields(line_number, expected):
    reference = parsed_file(OFFENSIVE)[line_number]

    assert fields_of(reference) == BLANK_FIELDS | expected


@pytest.mark.parametrize(
    ("line_number", "expected"),
    [
        pytest.param(
            2,
            {
                # Rendered French titles keep their non-breaking space before the colon.
                "title": "Mali\u00a0: les Touaregs laïques disent avoir repris Kidal",
                "outlet": "Le Figaro",
                "language": "fr",
                "published_on": day("2013-01-28"),
                "published_precision": "day",
                "accessed_on": day("2024-06-01"),
            },
            id="(in French) with a publication date",
        ),
        pytest.param(
            1,
            {
                "title": "Mali: la ville de Kidal aux mains des rebelles, la junte appelle "
                "à l'aide",
                "outlet": "ladepeche.fr",
                "language": "fr",
                "accessed_on": day("2024-06-01"),
            },
            id="no publication date",
        ),
        pytest.param(
            21,
            {
                "authors": ("Macé, Célian",),
                "title": "Dans le nord du Mali, l'armée reprend pied à Kidal",
                "outlet": "Libération",
                "language": "fr",
                "accessed_on": day("2024-06-01"),
            },
            id="author and back-reference marks",
        ),
        pytest.param(
            6,
            {
                "authors": ("Agency, Ecofin",),
                "title": "Mali: Azawad Salvation Movement exits CSP-PSD, backs Transitional "
                "Government",
                "outlet": "Ecofin Agency",
                "accessed_on": day("2024-04-29"),
            },
            id="author and no language",
        ),
        pytest.param(
            16,
            {
                "authors": ("FRANCE 24",),
                "published_on": day("2023-11-13"),
                "published_precision": "day",
                "title": "Mali\u00a0: la bataille pour Kidal se poursuit, l'armée malienne et les "
                "forces de Wagner se rapprochent",
                "platform": "YouTube",
                "accessed_on": day("2024-06-01"),
            },
            id="unquoted AV media title with maintenance notice, via YouTube",
        ),
        pytest.param(
            22,
            {
                "title": '"C\'est un message aux Occidentaux"\u00a0: fait nouveau, les mercenaires '
                "de Wagner s'affichent après la prise de Kidal",
                "outlet": "Les Observateurs - France 24",
                "language": "fr",
                "published_on": day("2023-11-15"),
                "published_precision": "day",
                "accessed_on": day("2024-06-01"),
            },
            id="title opening with a quotation",
        ),
    ],
)
def test_battle_of_kidal_reference_fields(line_number, expected):
    reference = parsed_file(BATTLE_OF_KIDAL)[line_number]

    assert fields_of(reference) == BLANK_FIELDS | expected


def test_raw_keeps_the_line_as_pasted_without_surrounding_space():
    reference = parsed_file(BATTLE_OF_KIDAL)[10]

    assert reference.raw.startswith('10. 1 2 "Au Mali, Kidal, bastion')
    assert reference.title == "Au Mali, Kidal, bastion de la rébellion, reconquis par l'armée"


@pytest.mark.parametrize(
    "line",
    [
        '^ a b "Kidal retaken". Example Times (in English). 14 November 2023. '
        "Retrieved 1 June 2024.",
        '1 2 3 "Kidal retaken". Example Times (in English). November 14, 2023. '
        "Retrieved June 1, 2024.",
    ],
)
def test_rendered_line_with_back_reference_marks(line):
    reference = parse_reference(line)

    assert reference.authors == ()
    assert reference.title == "Kidal retaken"
    assert reference.outlet == "Example Times"
    assert reference.language == "en"
    assert reference.published_on == day("2023-11-14")
    assert reference.accessed_on == day("2024-06-01")


def test_rendered_line_with_several_authors_and_archive_date():
    reference = parse_reference(
        'Doe, Jane; Roe, R. (November 2023). "What next for Kidal?". Example Review. '
        "Archived from the original on 20 November 2023. Retrieved 2024-06-01."
    )

    assert reference.authors == ("Doe, Jane", "Roe, R.")
    assert reference.published_on == day("2023-11-01")
    assert reference.published_precision == "month"
    assert reference.title == "What next for Kidal?"
    assert reference.outlet == "Example Review"
    assert reference.archived_on == day("2023-11-20")
    assert reference.accessed_on == day("2024-06-01")


def test_template_line_with_url_archive_url_and_archive_date():
    reference = parse_reference(
        "News: Smith . John . 18 March 2022 . A story . https://example.org/story . "
        "2024-01-02 . Example News . "
        "https://web.archive.org/web/20231120000000/https://example.org/story . 2023-11-20 . fr."
    )

    assert fields_of(reference) == BLANK_FIELDS | {
        "kind": "news",
        "authors": ("Smith, John",),
        "published_on": day("2022-03-18"),
        "published_precision": "day",
        "title": "A story",
        "url": "https://example.org/story",
        "accessed_on": day("2024-01-02"),
        "outlet": "Example News",
        "archive_url": "https://web.archive.org/web/20231120000000/https://example.org/story",
        "archived_on": day("2023-11-20"),
        "language": "fr",
    }


def test_template_line_with_several_authors_and_archive_today():
    reference = parse_reference(
        "Web site: Doe . Jane . Roe . Richard . 2023-11-14 . Title . 2024-05-29 . Outlet . "
        "https://archive.ph/AbCdE . 2023-11-15 ."
    )

    assert reference.authors == ("Doe, Jane", "Roe, Richard")
    assert reference.outlet == "Outlet"
    assert reference.archive_url == "https://archive.ph/AbCdE"
    assert reference.archived_on == day("2023-11-15")


def test_malformed_lines_are_reported_and_their_neighbours_still_parse():
    text = "\n".join(
        [
            "References",
            "1. Web site: 2023-10-02 . Mali: l'armée malienne sur la route de Kidal . "
            "2024-05-28 . RFI . fr.",
            '2. ""',
            "3. lorem ipsum",
            "4. Web site: 2023-13-45 . Title . RFI . fr.",
            "",
            "5. 2023-11-14",
            '6. "Mali: un drapeau de Wagner hissé sur le fort de Kidal". RFI (in French). '
            "2023-11-22. Retrieved 2024-06-01.",
        ]
    )

    parsed, unparsed = parse_reference_list(text)

    assert [(reference.line_number, reference.outlet) for reference in parsed] == [
        (2, "RFI"),
        (8, "RFI"),
    ]
    assert [(line.line_number, line.raw) for line in unparsed] == [
        (3, '2. ""'),
        (4, "3. lorem ipsum"),
        (5, "4. Web site: 2023-13-45 . Title . RFI . fr."),
        (7, "5. 2023-11-14"),
    ]
    reasons = [line.reason for line in unparsed]
    assert reasons[0] == "no title found"
    assert "no date found" in reasons[1]
    assert reasons[2] == "date 2023-13-45 is not a valid date"
    assert reasons[3] == "no title found"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("", "empty line"),
        ("   ", "empty line"),
        ('"Title". Outlet. Retrieved 2024-02-30.', "date 2024-02-30 is not a valid date"),
        ('"Title". Outlet. Retrieved soon.', "access date 'soon' is not a date"),
        ('"Title". Outlet (in Klingon). Retrieved 2024-06-01.', "unknown language 'Klingon'"),
        (
            '"Title". Outlet. Publisher. Retrieved 2024-06-01.',
            "unexpected text after the outlet: 'Publisher'",
        ),
        (
            "Web site: Title . 2024-05-29 . Outlet . Publisher . fr.",
            "unexpected fields after the title: Outlet . Publisher",
        ),
    ],
)
def test_parse_reference_explains_why_a_line_is_rejected(line, reason):
    with pytest.raises(ReferenceParseError) as raised:
        parse_reference(line, line_number=7)

    assert raised.value.reason == reason


@pytest.mark.parametrize("numbering", ["12. ", "12) ", "- ", "* ", "   3.  "])
def test_list_numbering_is_stripped(numbering):
    line = (
        f"{numbering}Web site: 2023-10-02 . Mali: l'armée malienne sur la route de Kidal . "
        "2024-05-28 . RFI . fr."
    )

    parsed, unparsed = parse_reference_list(line)

    assert unparsed == []
    assert parsed[0].title == "Mali: l'armée malienne sur la route de Kidal"
    assert parsed[0].raw == line.strip()


def test_headings_and_blank_lines_are_skipped_but_counted_in_line_numbers():
    text = "Notes and References\n\n  1. Web site: Title . 2024-05-29 . Outlet . fr.\n"

    parsed, unparsed = parse_reference_list(text)

    assert unparsed == []
    assert [reference.line_number for reference in parsed] == [3]


def test_unparsed_line_records_line_number_text_and_reason():
    parsed, unparsed = parse_reference_list("lorem ipsum")

    assert parsed == []
    assert unparsed == [
        UnparsedLine(
            line_number=1,
            raw="lorem ipsum",
            reason="no date found, so the title cannot be told from other fields",
        )
    ]


def test_parse_reference_list_is_deterministic():
    text = (
        OFFENSIVE.read_text(encoding="utf-8")
        + "\nlorem ipsum\n"
        + BATTLE_OF_KIDAL.read_text(encoding="utf-8")
    )

    first = parse_reference_list(text)
    second = parse_reference_list(text)

    assert first == second
    assert len(first[0]) == 96
    assert len(first[1]) == 1


@pytest.mark.parametrize(
    ("written", "published_on", "precision"),
    [
        ("20 novembre 2023", "2023-11-20", "day"),
        ("1er décembre 2023", "2023-12-01", "day"),
        ("14 février 2024", "2024-02-14", "day"),
        ("11 aout 2023", "2023-08-11", "day"),
        ("octobre 2023", "2023-10-01", "month"),
        ("Décembre 2023", "2023-12-01", "month"),
    ],
)
def test_french_month_names_are_dates(written, published_on, precision):
    reference = parse_reference(
        f'"Kidal sur le qui-vive". RFI (in French). {written}. Retrieved 1 juin 2024.'
    )

    assert reference.published_on == day(published_on)
    assert reference.published_precision == precision
    assert reference.accessed_on == day("2024-06-01")


@pytest.mark.parametrize(
    ("written", "published_on"),
    [
        ("20 novembre 2023", "2023-11-20"),
        ("November 20, 2023", "2023-11-20"),
        ("November 20 2023", "2023-11-20"),
        ("20 Nov 2023", "2023-11-20"),
        ("20 November 2023", "2023-11-20"),
        ("1er octobre 2023", "2023-10-01"),
        ("1ᵉʳ octobre 2023", "2023-10-01"),
        ("1st October 2023", "2023-10-01"),
        ("October 1st, 2023", "2023-10-01"),
    ],
)
def test_english_and_french_day_month_year_in_every_order(written, published_on):
    rendered = parse_reference(f'"Kidal retaken". Example Times. {written}. Retrieved 2024-06-01.')
    template = parse_reference(f"Web site: {written} . Kidal retaken . 2024-06-01 . RFI . fr.")

    for reference in (rendered, template):
        assert reference.published_on == day(published_on)
        assert reference.published_precision == "day"


@pytest.mark.parametrize(
    ("written", "published_on"),
    [
        ("Nov. 20, 2023", "2023-11-20"),
        ("22nd Sept. 2023", "2023-09-22"),
        ("3 SEPT. 2023", "2023-09-03"),
    ],
)
def test_abbreviations_with_a_full_stop_in_a_template_line(written, published_on):
    # A rendered line is cut at ". ", so only template lines keep such abbreviations whole.
    reference = parse_reference(f"Web site: {written} . Kidal retaken . 2024-06-01 . RFI . fr.")

    assert reference.published_on == day(published_on)


@pytest.mark.parametrize("written", ["32 novembre 2023", "November 31, 2023", "0 Nov 2023"])
def test_a_named_month_with_an_impossible_day_is_an_error(written):
    with pytest.raises(ReferenceParseError, match="not a valid date"):
        parse_reference(f'"Kidal retaken". Example Times. {written}. Retrieved 2024-06-01.')


def test_the_examples_on_the_import_page_parse():
    for line in EXAMPLE_LINES:
        assert parse_reference(line).published_on is not None, line
    for written in EXAMPLE_DATES:
        reference = parse_reference(f"Web site: {written} . Kidal . 2024-06-01 . RFI . fr.")
        assert reference.published_on is not None, written


def test_abbreviated_french_months_in_a_template_line():
    reference = parse_reference("Web site: 14 févr. 2024 . Kidal . 2 juil. 2024 . RFI . fr.")

    assert (reference.published_on, reference.accessed_on) == (day("2024-02-14"), day("2024-07-02"))


def test_an_unknown_month_name_is_not_a_date():
    with pytest.raises(ReferenceParseError, match="access date 'Brumaire 2023' is not a date"):
        parse_reference('"Kidal". RFI. Retrieved Brumaire 2023.')


@pytest.mark.parametrize(
    ("line", "outlet", "platform"),
    [
        pytest.param(
            "Web site: 2023-11-13 . Kidal : la bataille . 2024-05-29 . YouTube .",
            "",
            "YouTube",
            id="the platform as the outlet",
        ),
        pytest.param(
            '"Kidal : la bataille". Retrieved 2024-06-01 via YouTube.',
            "",
            "YouTube",
            id="via the platform",
        ),
        pytest.param(
            "Web site: 2023-11-13 . Kidal : la bataille . https://www.youtube.com/watch?v=abc . "
            "2024-05-29 . France 24 . fr.",
            "France 24",
            "YouTube",
            id="the outlet with the platform's URL",
        ),
        pytest.param(
            "Web site: 2023-11-14 . Communiqué . https://x.com/csp/status/1 . 2024-05-29 . "
            "Twitter .",
            "",
            "X",
            id="Twitter is X",
        ),
        pytest.param(
            "Web site: 2023-11-14 . Communiqué . https://t.me/csp/1 . 2024-05-29 . CSP-PSD .",
            "CSP-PSD",
            "Telegram",
            id="a Telegram channel",
        ),
        pytest.param(
            "Web site: 2023-11-14 . Communiqué . 2024-05-29 . Facebook.com .",
            "",
            "Facebook",
            id="the platform's domain as the outlet",
        ),
        pytest.param(
            "Web site: 2023-11-14 . Kidal . https://www.rfi.fr/kidal . 2024-05-29 . RFI .",
            "RFI",
            "",
            id="no platform",
        ),
    ],
)
def test_platforms_are_told_from_the_outlet_that_published_on_them(line, outlet, platform):
    reference = parse_reference(line)

    assert (reference.outlet, reference.platform) == (outlet, platform)
