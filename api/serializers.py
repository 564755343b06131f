"""What the API shows of each public entry.

Only stored rows are read, and the row of a live entry always holds its approved content
(a pending change waits in ``pending_change``, which no serializer names). Related entries
are given by their ids, and only when the public may see them.
"""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events import dates
from events.models import Actor, Claim, ClaimCitation, Event, EventActor, Place
from events.versions import VERSIONED
from sources.models import Citation, Source


@extend_schema_field(OpenApiTypes.URI)
class PermalinkField(serializers.Field):
    """The entry's public page, made absolute with KIDAL_SITE_URL: its permanent link."""

    def __init__(self, source="*", **kwargs):
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, entry):
        return settings.KIDAL_SITE_URL + entry.get_absolute_url()


@extend_schema_field(OpenApiTypes.INT)
class PublicIdField(serializers.Field):
    """The id of a related entry (a coalition, a parent event…) when the public may see it;
    null otherwise, as the public pages leave it out."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, related):
        return related.pk if related.is_public else None


@extend_schema_field(
    {"anyOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]}
)
class OptionalURLField(serializers.CharField):
    """An address that may be empty. Described with anyOf: the oneOf drf-spectacular writes
    for a blank URL field rejects "" wherever a validator does not check URI formats."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)


class LinesField(serializers.ListField):
    """A text field of one item a line (aliases, alternative spellings), as a list."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(), read_only=True, **kwargs)


PUBLICATION_FIELDS = ["first_published_at", "correction_note", "corrected_at"]


class ActorSerializer(serializers.ModelSerializer):
    permalink = PermalinkField()
    aliases = LinesField(source="alias_list")
    parent = PublicIdField()

    class Meta:
        model = Actor
        fields = [
            "id",
            "permalink",
            "name",
            "slug",
            "kind",
            "side",
            "aliases",
            "parent",
            "description",
            *PUBLICATION_FIELDS,
        ]


class PlaceSerializer(serializers.ModelSerializer):
    permalink = PermalinkField()
    alternative_names = LinesField(source="alternative_name_list")

    class Meta:
        model = Place
        fields = [
            "id",
            "permalink",
            "name",
            "slug",
            "alternative_names",
            "region",
            "admin2",
            "admin3",
            "country",
            "latitude",
            "longitude",
            "coordinate_precision",
            *PUBLICATION_FIELDS,
        ]


class EventActorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="actor.name", read_only=True)

    class Meta:
        model = EventActor
        fields = ["actor", "name", "role"]


class EventSerializer(serializers.ModelSerializer):
    permalink = PermalinkField()
    period = serializers.SerializerMethodField(
        help_text="The dates as the sources give them, in the request's language."
    )
    parent = PublicIdField()
    actors = EventActorSerializer(source="actor_roles", many=True, read_only=True)
    claims = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "permalink",
            "title",
            "slug",
            "summary",
            "event_type",
            "start_date",
            "end_date",
            "date_precision",
            "period",
            "place",
            "parent",
            "actors",
            "claims",
            "language",
            *PUBLICATION_FIELDS,
        ]

    def get_period(self, event) -> str:
        return dates.event_period(event)


class CitationLinkSerializer(serializers.ModelSerializer):
    """What a citation says about one claim: the quoted passage and whether it supports it."""

    reported_by = PublicIdField(
        help_text="The citation through whose account the record knows this document, if any."
    )

    class Meta:
        model = ClaimCitation
        fields = [
            "citation",
            "reported_by",
            "quote",
            "quote_language",
            "translation",
            "locator",
            "stance",
        ]


class ClaimSerializer(serializers.ModelSerializer):
    permalink = PermalinkField()
    claimant = serializers.CharField(
        read_only=True, help_text="The actor's name, or the label of a claimant who is not one."
    )
    citations = CitationLinkSerializer(source="citation_links", many=True, read_only=True)
    contradicts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    figure = serializers.CharField(
        source="figure_display",
        read_only=True,
        help_text="The figure with its unit, as the public pages write it; empty without one.",
    )
    corroboration = serializers.CharField(
        source="corroboration_display",
        read_only=True,
        help_text="How the claim is backed, in words, as the public pages say it.",
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "permalink",
            "event",
            "text",
            "claimant",
            "claimant_actor",
            "kind",
            "figure_low",
            "figure_high",
            "figure_unit",
            "figure_kind",
            "figure",
            "assessment",
            "assessment_note",
            "independent_outlets",
            "party_outlets",
            "disputed_by_citation",
            "corroboration",
            "contradicts",
            "citations",
            "language",
            *PUBLICATION_FIELDS,
        ]


class SourceSerializer(serializers.ModelSerializer):
    permalink = PermalinkField()
    aliases = LinesField(source="alias_list")
    actor = PublicIdField(help_text="The actor the source speaks for, when it is a party.")
    side = serializers.CharField(
        source="party_side",
        read_only=True,
        help_text="The side of the conflict the source speaks for; empty when not a party.",
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "permalink",
            "name",
            "slug",
            "kind",
            "country",
            "language",
            "is_party",
            "side",
            "actor",
            "aliases",
            "website",
            "description",
            *PUBLICATION_FIELDS,
        ]


class CitationSerializer(serializers.ModelSerializer):
    permalink = PermalinkField()
    url = OptionalURLField(
        help_text="The document's address; empty when only its title, outlet and date are known."
    )
    archive_url = OptionalURLField(help_text="An archived copy of the document, if any.")
    published = serializers.SerializerMethodField(
        help_text="The publication date as the public pages write it."
    )
    claims = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    republishes = PublicIdField(help_text="The document this one republishes (a wire story).")

    class Meta:
        model = Citation
        fields = [
            "id",
            "permalink",
            "source",
            "kind",
            "title",
            "url",
            "author",
            "published_on",
            "published_precision",
            "published",
            "accessed_on",
            "language",
            "archive_url",
            "archived_on",
            "republishes",
            "claims",
            *PUBLICATION_FIELDS,
        ]

    def get_published(self, citation) -> str:
        return dates.citation_date(citation)


class CorrectionSerializer(serializers.Serializer):
    """One approved correction of a public event or claim: the reviewer's note, when it was
    approved, the entry it corrected and the permanent link of the corrected version. The
    view sets ``entry`` on each (events.versions.attach_entries)."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.SerializerMethodField(help_text="The kind of entry corrected.")
    entry = serializers.IntegerField(
        source="entry.pk", read_only=True, help_text="The id of the event or claim corrected."
    )
    permalink = PermalinkField(source="entry")
    version = serializers.SerializerMethodField(
        help_text="The permanent link of the version this correction published."
    )
    note = serializers.CharField(source="correction_note", read_only=True)
    corrected_at = serializers.DateTimeField(source="created_at", read_only=True)

    @extend_schema_field({"type": "string", "enum": [m._meta.model_name for m in VERSIONED]})
    def get_kind(self, correction):
        return correction.entry._meta.model_name

    @extend_schema_field(OpenApiTypes.URI)
    def get_version(self, correction):
        return settings.KIDAL_SITE_URL + correction.version_url
