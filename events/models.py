"""Actors, places, events and the claims made about them, with their review state."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .figures import FigureKind, format_figure, implied_kind

CONTENT_LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("", _("Unknown")),
]


def split_lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def ancestors(obj):
    """The chain of parents above ``obj``, stopping at the first repeat."""
    seen = set()
    ancestor = obj.parent
    while ancestor is not None and ancestor.pk not in seen:
        seen.add(ancestor.pk)
        yield ancestor
        ancestor = ancestor.parent


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# How a record that is not live stands, as said of it: "citation “X” is in review".
STATE_PHRASES = {
    Status.DRAFT: _("is a draft"),
    Status.IN_REVIEW: _("is in review"),
    Status.CHANGES_REQUESTED: _("has changes requested"),
    Status.WITHDRAWN: _("is withdrawn"),
}


@dataclass(frozen=True)
class Obstacle:
    """One thing that keeps an entry off the public site: what it is, in words, and the
    entry to open to remove it."""

    text: str
    entry: models.Model


def unpublished(record, sentence, **names):
    """[Obstacle] if ``record`` is not live, said by ``sentence``: "its event “%(entry)s"
    %(state)s", with any other ``names`` it mentions."""
    if record is None or record.is_live:
        return []
    text = sentence % {"entry": record, "state": STATE_PHRASES[record.status], **names}
    return [Obstacle(text, record)]


def live_or_empty(relation):
    """The condition that a nullable reference (a place, a claimant) is unset or published."""
    return Q(**{f"{relation}__isnull": True}) | Q(**{f"{relation}__is_live": True})


def count_of(queryset, field):
    """A subquery counting the rows of ``queryset`` whose ``field`` is the outer row: one
    index lookup per outer row (the partial indexes on public rows), where a join and
    GROUP BY would read every related row."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class Side(models.TextChoices):
    """Which side of the conflict a party stands on; an empty side means not a party.

    Allies count with the side they fight for (Wagner with the Malian state, the movements
    of the CSP-PSD with it); jihadist groups are a side of their own."""

    MALIAN_STATE = "malian_state", _("Malian state and its allies")
    CSP_PSD = "csp_psd", _("CSP-PSD and allied movements")
    JIHADIST = "jihadist", _("Jihadist groups")
    OTHER = "other", _("Another party")


class ReviewableQuerySet(models.QuerySet):
    def public(self):
        """What readers may see. Each model's ``meets_publication_rule()`` defines it; every
        review step re-evaluates that rule for the rows it can affect and stores the answer
        in ``is_public`` (events/publication.py), so reading it costs one indexed column."""
        return self.filter(is_public=True)

    def shaped_by(self, user):
        """Entries whose content ``user`` shaped since their last approval.

        Someone shaped an entry if they are its last editor or if the review log holds a
        step of theirs that changed its content (created, edited, restored, recovered)
        after the latest approval. The four-eyes rule (events/workflow.py) is built on this.
        """
        content_type = ContentType.objects.get_for_model(self.model)

        def steps(ref):
            return Transition.objects.filter(
                content_type=content_type, object_id=Cast(ref, output_field=CharField())
            )

        last_approval = (
            steps(OuterRef(OuterRef("pk")))
            .filter(action=Transition.Action.APPROVE)
            .order_by("-pk")
            .values("pk")[:1]
        )
        shaping = steps(OuterRef("pk")).filter(
            action__in=Transition.SHAPING_ACTIONS,
            user=user,
            pk__gt=Coalesce(Subquery(last_approval), 0),
        )
        return self.filter(Q(last_edited_by=user) | Exists(shaping))


class Reviewable(models.Model):
    """Editorial state shared by every reviewed model: the entries (events, claims,
    citations) and the reference records they name (actors, places, sources).

    The row always holds the content the public may see once ``is_live`` is set; an
    edit to live content waits in ``pending_change`` until a reviewer approves it
    (see events/drafts.py and events/workflow.py).
    """

    status = models.CharField(
        _("review status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        editable=False,
        help_text=_("Where the latest version of this entry stands in review."),
    )
    is_live = models.BooleanField(
        _("live"),
        default=False,
        editable=False,
        help_text=_("An approved version of this entry is published."),
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        editable=False,
        db_index=True,
        help_text=_(
            "Readers can see this entry: it is live and meets the publication rule (kept up "
            "to date by every review step)."
        ),
    )
    pending_change = models.JSONField(
        _("pending change"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("An edit of the published version that awaits review."),
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Author of the latest version; they cannot approve it."),
    )
    last_edited_at = models.DateTimeField(
        _("last edited at"), null=True, blank=True, editable=False
    )
    first_published_at = models.DateTimeField(
        _("first published at"), null=True, blank=True, editable=False
    )
    last_reviewed_at = models.DateTimeField(
        _("last reviewed at"), null=True, blank=True, editable=False
    )
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last reviewed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    correction_note = models.CharField(
        _("correction note"),
        max_length=300,
        blank=True,
        editable=False,
        help_text=_("What the latest approved change to the published entry corrected."),
    )
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~Q(is_live=True, status=Status.WITHDRAWN),
                name="%(app_label)s_%(class)s_withdrawn_not_live",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.APPROVED) | Q(is_live=True),
                name="%(app_label)s_%(class)s_approved_is_live",
            ),
            models.CheckConstraint(
                condition=Q(pending_change__isnull=True) | Q(is_live=True),
                name="%(app_label)s_%(class)s_pending_change_only_when_live",
            ),
        ]

    @property
    def has_pending_change(self):
        return self.pending_change is not None

    def publication_obstacles(self):
        """What keeps this entry off the public site, in words, each with the entry to open;
        empty exactly when it meets its model's ``meets_publication_rule()`` (a test compares
        the two through every workflow step). Reads related rows through ``.all()``, so a
        change list that prefetches them (``OBSTACLE_PREFETCH``) asks nothing per row."""
        return [*unpublished(self, _("this entry %(state)s")), *self.rule_obstacles()]

    def rule_obstacles(self):
        """The obstacles beyond the entry's own review state; each model says its own."""
        raise NotImplementedError

    @property
    def is_new(self):
        """Never published: such a reference record goes to review with the entry naming it."""
        return self.first_published_at is None and not self.is_live

    @classmethod
    def stored_content(cls, fields):
        """The content fields of a version django-reversion stored before a migration, with
        what the fields added since meant for it. Left out by default: they keep their
        current value when the version is restored."""
        return fields


class ActorQuerySet(ReviewableQuerySet):
    def meets_publication_rule(self):
        """Published actors named by at least one public event or public claim."""
        return self.filter(is_live=True).filter(
            Exists(EventActor.objects.meets_publication_rule().filter(actor=OuterRef("pk")))
            | Exists(Claim.objects.meets_publication_rule().filter(claimant_actor=OuterRef("pk")))
        )


class Actor(Reviewable):
    class Kind(models.TextChoices):
        STATE_FORCE = "state_force", _("State force")
        ARMED_GROUP = "armed_group", _("Armed group")
        COALITION = "coalition", _("Coalition")
        PRIVATE_MILITARY_COMPANY = "private_military_company", _("Private military company")
        UN_MISSION = "un_mission", _("UN mission")
        GOVERNMENT = "government", _("Government")
        CIVILIAN_AUTHORITY = "civilian_authority", _("Civilian authority")
        CIVILIANS = "civilians", _("Civilians")
        MEDIA = "media", _("Media")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, help_text=_("The name most sources use."))
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    aliases = models.TextField(
        _("aliases"), blank=True, help_text=_("Other names and abbreviations, one per line.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("coalition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The coalition or organisation this actor belongs to."),
    )
    side = models.CharField(
        _("party to the conflict"),
        max_length=20,
        choices=Side.choices,
        blank=True,
        help_text=_("The side this actor fights on; leave empty if it is not a party."),
    )
    description = models.TextField(_("description"), blank=True)

    objects = ActorQuerySet.as_manager()

    class Meta(Reviewable.Meta):
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["name"]
        permissions = [("approve_actor", _("Can approve, return and withdraw actors"))]
        constraints = [
            *Reviewable.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="events_actor_not_own_coalition"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:actor_detail", args=[self.slug])

    @property
    def alias_list(self):
        return split_lines(self.aliases)

    @property
    def is_party(self):
        return bool(self.side)

    def rule_obstacles(self):
        # A live actor's stored state is its rule's answer (events/publication.py).
        if self.is_live and not self.is_public:
            return [Obstacle(_("no public event or claim names it"), self)]
        return []

    def clean(self):
        for ancestor in ancestors(self):
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("An actor cannot be part of itself.")})


class PlaceQuerySet(ReviewableQuerySet):
    def meets_publication_rule(self):
        """Published places of at least one public event."""
        return self.filter(is_live=True).filter(
            Exists(Event.objects.meets_publication_rule().filter(place=OuterRef("pk")))
        )


class Place(Reviewable):
    class Precision(models.TextChoices):
        EXACT = "exact", _("Exact location")
        TOWN = "town", _("Town or village")
        AREA = "area", _("Approximate area")
        REGION = "region", _("Region")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    alternative_names = models.TextField(
        _("alternative names"),
        blank=True,
        help_text=_("Other spellings (Anefis for Anéfis), one per line."),
    )
    region = models.CharField(
        _("region"), max_length=100, blank=True, help_text=_("Administrative region of Mali.")
    )
    admin2 = models.CharField(
        _("district (cercle)"),
        max_length=100,
        blank=True,
        help_text=_("Second administrative level (cercle in Mali): ACLED's admin2."),
    )
    admin3 = models.CharField(
        _("municipality (commune)"),
        max_length=100,
        blank=True,
        help_text=_("Third administrative level (commune in Mali): ACLED's admin3."),
    )
    country = models.CharField(_("country"), max_length=2, default="ML")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    coordinate_precision = models.CharField(
        _("coordinate precision"),
        max_length=10,
        choices=Precision.choices,
        default=Precision.TOWN,
        help_text=_("How closely the coordinates locate the place."),
    )

    objects = PlaceQuerySet.as_manager()

    class Meta(Reviewable.Meta):
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name"]
        permissions = [("approve_place", _("Can approve, return and withdraw places"))]
        constraints = [
            *Reviewable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="events_place_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="events_place_longitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="events_place_coordinates_together",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:place_detail", args=[self.slug])

    @property
    def alternative_name_list(self):
        return split_lines(self.alternative_names)

    def rule_obstacles(self):
        # A live place's stored state is its rule's answer (events/publication.py).
        if self.is_live and not self.is_public:
            return [Obstacle(_("no public event took place there"), self)]
        return []

    def clean(self):
        errors = {}
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            errors["latitude"] = _("Latitude must be between -90 and 90.")
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            errors["longitude"] = _("Longitude must be between -180 and 180.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "Give both latitude and longitude, or neither."
            )
        if errors:
            raise ValidationError(errors)


class EventQuerySet(ReviewableQuerySet):
    def meets_publication_rule(self):
        """Live events at a published place (or none) with at least one public claim:
        the publication rule for events."""
        return (
            self.filter(is_live=True)
            .filter(live_or_empty("place"))
            .filter(Exists(Claim.objects.meets_publication_rule().filter(event=OuterRef("pk"))))
        )


class Event(Reviewable):
    class DatePrecision(models.TextChoices):
        DAY = "day", _("Day")
        NIGHT = "night", _("Night (from the start date to the next day)")
        APPROXIMATE = "approximate", _("Approximate (early, mid or late in the month)")
        MONTH = "month", _("Month")

    class Type(models.TextChoices):
        CAMPAIGN = "campaign", _("Campaign or offensive")
        BATTLE = "battle", _("Battle")
        AIR_DRONE_STRIKE = "air_drone_strike", _("Air or drone strike")
        REMOTE_VIOLENCE = "remote_violence", _("Shelling, mine or other remote violence")
        VIOLENCE_AGAINST_CIVILIANS = "violence_against_civilians", _("Violence against civilians")
        STRATEGIC_DEVELOPMENT = "strategic_development", _("Strategic development")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(
        _("slug"), max_length=250, unique=True, help_text=_("The event's address on the site.")
    )
    summary = models.TextField(_("summary"), help_text=_("What happened, in the editors' words."))
    start_date = models.DateField(_("start date"), db_index=True)
    date_precision = models.CharField(
        _("date precision"),
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("How precisely the sources date the event."),
    )
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Leave empty for a single day.")
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    event_type = models.CharField(
        _("event type"), max_length=30, choices=Type.choices, db_index=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The larger event this one belongs to."),
    )
    actors = models.ManyToManyField(
        Actor, through="EventActor", related_name="events", verbose_name=_("actors"), blank=True
    )
    language = models.CharField(
        _("content language"), max_length=5, choices=CONTENT_LANGUAGES, default="en"
    )

    objects = EventQuerySet.as_manager()

    class Meta(Reviewable.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start_date", "title"]
        permissions = [("approve_event", _("Can approve, return and withdraw events"))]
        constraints = [
            *Reviewable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="events_event_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="events_event_not_own_parent"
            ),
        ]
        indexes = [
            models.Index(fields=["is_live", "start_date"], name="events_event_live_date"),
            models.Index(fields=["is_public", "start_date"], name="events_event_public_date"),
            # Partial indexes for what public pages count and sort: only public rows.
            models.Index(
                fields=["place"], condition=Q(is_public=True), name="events_event_public_place"
            ),
            models.Index(
                fields=["-first_published_at"],
                condition=Q(is_public=True),
                name="events_event_public_recent",
            ),
            models.Index(fields=["status", "last_edited_at", "id"], name="events_event_queue"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event_detail", args=[self.slug])

    OBSTACLE_PREFETCH = [
        "claims__claimant_actor",
        "claims__citation_links__citation__source",
    ]

    def rule_obstacles(self):
        found = unpublished(self.place, _("its place “%(entry)s” %(state)s"))
        claims = list(self.claims.all())
        if not claims:
            return [*found, Obstacle(_("no claim is recorded about it"), self)]
        blocked = [(claim, claim.rule_obstacles(within_event=True)) for claim in claims]
        if any(claim.is_live and not reasons for claim, reasons in blocked):
            return found
        for claim, reasons in blocked:
            found += [
                Obstacle(
                    _("claim “%(claim)s”: %(reason)s") % {"claim": claim, "reason": reason.text},
                    reason.entry,
                )
                for reason in [*unpublished(claim, _("the claim itself %(state)s")), *reasons]
            ]
        return found

    def clean(self):
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if any(ancestor.pk == self.pk for ancestor in ancestors(self)):
            errors["parent"] = _("An event cannot be part of itself.")
        if errors:
            raise ValidationError(errors)


class EventActorQuerySet(models.QuerySet):
    def public(self):
        """Roles of published actors in public events."""
        return self.filter(actor__is_live=True, event__is_public=True)

    def meets_publication_rule(self):
        """The same, from the events' rule rather than their stored state."""
        return self.filter(actor__is_live=True, event__in=Event.objects.meets_publication_rule())


class EventActor(models.Model):
    class Role(models.TextChoices):
        ATTACKER = "attacker", _("Attacker")
        DEFENDER = "defender", _("Defender")
        TARGET = "target", _("Target")
        PERPETRATOR = "perpetrator", _("Perpetrator")
        VICTIM = "victim", _("Victim")
        PARTICIPANT = "participant", _("Participant")
        MEDIATOR = "mediator", _("Mediator")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="actor_roles"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="event_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    objects = EventActorQuerySet.as_manager()

    class Meta:
        verbose_name = _("actor in the event")
        verbose_name_plural = _("actors in the event")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor", "role"], name="events_eventactor_unique_role"
            )
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"


def _backing_links():
    """Citation links of the outer claim to live citations of published sources: what can
    back a public claim. A document that republishes another (a wire story) counts as its
    original's outlet, so the same story reprinted by many outlets counts once."""
    return ClaimCitation.objects.filter(
        claim=OuterRef("pk"), citation__is_live=True, citation__source__is_live=True
    ).alias(
        outlet=Coalesce("citation__republishes__source", "citation__source"),
        outlet_is_party=Coalesce(
            "citation__republishes__source__is_party", "citation__source__is_party"
        ),
    )


def _outlets_backing(party):
    counted = (
        _backing_links()
        .filter(stance=ClaimCitation.Stance.SUPPORTS, outlet_is_party=party)
        .order_by()
        .values("claim")
        .annotate(total=Count("outlet", distinct=True))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class ClaimQuerySet(ReviewableQuerySet):
    def meets_publication_rule(self):
        """Live claims of live events, by a published claimant, backed by at least one live
        citation of a published source; the event's place, if any, is published too."""
        return (
            self.filter(is_live=True, event__is_live=True)
            .filter(live_or_empty("event__place"), live_or_empty("claimant_actor"))
            .filter(
                Exists(
                    ClaimCitation.objects.filter(
                        claim=OuterRef("pk"),
                        citation__is_live=True,
                        citation__source__is_live=True,
                    )
                )
            )
        )

    def with_computed_corroboration(self):
        """The corroboration rule, computed from the citations; ``Claim.CORROBORATION`` names
        the stored fields (kept up to date by events/publication.py) each one fills."""
        return self.annotate(
            computed_independent_outlets=_outlets_backing(party=False),
            computed_party_outlets=_outlets_backing(party=True),
            computed_disputed_by_citation=Exists(
                _backing_links().filter(stance=ClaimCitation.Stance.DISPUTES)
            ),
        )

    def with_corroboration(self, level):
        """The claims at one of ``CORROBORATION_LEVELS`` (a key), from the stored fields."""
        return self.filter(CORROBORATION_LEVELS[level][1])


# What readers can ask of a claim's backing: key: (label, condition on the stored fields).
# Each half of a citation link's name (claim → document), in characters.
STR_PART_LENGTH = 60

CORROBORATION_LEVELS = {
    "independent": (
        _("Corroborated by 2 or more independent outlets"),
        Q(independent_outlets__gte=2),
    ),
    "single": (
        _("Backed by a single outlet"),
        Q(independent_outlets=1, party_outlets=0) | Q(independent_outlets=0, party_outlets=1),
    ),
    "parties": (
        _("Backed only by parties to the conflict"),
        Q(independent_outlets=0, party_outlets__gt=0),
    ),
    "disputed": (_("Disputed by a cited document"), Q(disputed_by_citation=True)),
}


class Claim(Reviewable):
    class Kind(models.TextChoices):
        CASUALTIES = "casualties", _("Casualties")
        TERRITORIAL_CONTROL = "territorial_control", _("Territorial control")
        TROOP_STRENGTH = "troop_strength", _("Troop strength")
        DISPLACEMENT = "displacement", _("Displacement")
        # When the event happened: accounts that date the same event differently.
        DATE = "date", _("Date")
        OTHER = "other", _("Other")

    FigureKind = FigureKind

    class Assessment(models.TextChoices):
        UNASSESSED = "unassessed", _("Not yet assessed")
        CONFIRMED = "confirmed", _("Confirmed")
        LIKELY = "likely", _("Likely")
        UNVERIFIED = "unverified", _("Unverified")
        DISPUTED = "disputed", _("Disputed")
        FALSE = "false", _("False")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="claims"
    )
    text = models.TextField(
        _("claim"), help_text=_("The attributed statement, in the editors' words.")
    )
    claimant_actor = models.ForeignKey(
        Actor,
        verbose_name=_("claimant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        help_text=_("The party that makes the claim, when it is an actor."),
    )
    claimant_label = models.CharField(
        _("claimant label"),
        max_length=200,
        blank=True,
        help_text=_(
            'Who makes the claim when it is not an actor: "medical sources", "a local official".'
        ),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    # Which of the two numbers hold the figure depends on its form (events/figures.py).
    figure_kind = models.CharField(
        _("figure form"),
        max_length=10,
        choices=FigureKind.choices,
        blank=True,
        help_text=_("Exact, at least, at most or a range; none when the claim gives no figure."),
    )
    figure_low = models.PositiveIntegerField(
        _("figure (low)"),
        null=True,
        blank=True,
        help_text=_(
            'The figure, or the low end of a range: "at least 10" is 10. Empty for "at most".'
        ),
    )
    figure_high = models.PositiveIntegerField(
        _("figure (high)"),
        null=True,
        blank=True,
        help_text=_(
            'The high end of a range, or the figure of "at most": "at most 10" is 10. '
            "An exact figure fills it from the low one."
        ),
    )
    figure_unit = models.CharField(
        _("unit"), max_length=100, blank=True, help_text=_('What is counted: "civilians killed".')
    )
    assessment = models.CharField(
        _("assessment"),
        max_length=20,
        choices=Assessment.choices,
        default=Assessment.UNASSESSED,
        db_index=True,
        help_text=_("The editors' judgement of the claim; separate from its publication."),
    )
    assessment_note = models.TextField(
        _("assessment note"), blank=True, help_text=_("Why the editors judge the claim so.")
    )
    contradicts = models.ManyToManyField(
        "self",
        verbose_name=_("contradicts"),
        blank=True,
        symmetrical=True,
        help_text=_("Claims that give a different account of the same thing."),
    )
    citations = models.ManyToManyField(
        "sources.Citation",
        through="ClaimCitation",
        through_fields=("claim", "citation"),
        related_name="claims",
        verbose_name=_("citations"),
        blank=True,
    )
    language = models.CharField(
        _("content language"), max_length=5, choices=CONTENT_LANGUAGES, default="en"
    )
    # Corroboration, derived from the citations when a review step publishes or withdraws
    # (events/publication.py): stored so that lists filter on it at any size.
    independent_outlets = models.PositiveIntegerField(
        _("independent outlets"),
        default=0,
        editable=False,
        help_text=_("Outlets that are not parties to the conflict and back the claim."),
    )
    party_outlets = models.PositiveIntegerField(
        _("outlets of parties"),
        default=0,
        editable=False,
        help_text=_("Outlets speaking for a party to the conflict that back the claim."),
    )
    disputed_by_citation = models.BooleanField(
        _("disputed by a citation"), default=False, editable=False
    )

    # Stored field: the annotation of ``with_computed_corroboration`` that fills it.
    CORROBORATION = {
        "independent_outlets": "computed_independent_outlets",
        "party_outlets": "computed_party_outlets",
        "disputed_by_citation": "computed_disputed_by_citation",
    }

    objects = ClaimQuerySet.as_manager()

    class Meta(Reviewable.Meta):
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["event__start_date", "id"]
        permissions = [("approve_claim", _("Can approve, return and withdraw claims"))]
        constraints = [
            *Reviewable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(claimant_actor__isnull=False) | ~Q(claimant_label=""),
                name="events_claim_has_claimant",
            ),
            # Each form of figure stores its numbers one way (events/figures.py).
            models.CheckConstraint(
                condition=Q(figure_kind__in=["", *FigureKind.values]),
                name="events_claim_figure_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(figure_kind="") | Q(figure_low__isnull=True, figure_high__isnull=True),
                name="events_claim_figure_none",
            ),
            models.CheckConstraint(
                condition=~Q(figure_kind=FigureKind.EXACT)
                # Both numbers named: a comparison with NULL would let the row through.
                | Q(
                    figure_low__isnull=False, figure_high__isnull=False, figure_high=F("figure_low")
                ),
                name="events_claim_figure_exact",
            ),
            models.CheckConstraint(
                condition=~Q(figure_kind=FigureKind.AT_LEAST)
                | Q(figure_low__isnull=False, figure_high__isnull=True),
                name="events_claim_figure_at_least",
            ),
            models.CheckConstraint(
                condition=~Q(figure_kind=FigureKind.AT_MOST)
                | Q(figure_low__isnull=True, figure_high__isnull=False),
                name="events_claim_figure_at_most",
            ),
            models.CheckConstraint(
                condition=~Q(figure_kind=FigureKind.RANGE)
                | Q(
                    figure_low__isnull=False,
                    figure_high__isnull=False,
                    figure_low__lt=F("figure_high"),
                ),
                name="events_claim_figure_range",
            ),
            models.CheckConstraint(
                condition=Q(figure_kind="") | ~Q(figure_unit=""),
                name="events_claim_figure_has_unit",
            ),
        ]
        # Partial indexes for what public pages count and sort: only public rows.
        indexes = [
            models.Index(
                fields=["event"], condition=Q(is_public=True), name="events_claim_public_event"
            ),
            models.Index(
                fields=["claimant_actor"],
                condition=Q(is_public=True),
                name="events_claim_public_claimant",
            ),
            models.Index(
                fields=["-first_published_at"],
                condition=Q(is_public=True),
                name="events_claim_public_recent",
            ),
            # The event list's claim filters: the events with a public claim of a kind.
            models.Index(
                fields=["kind", "event"],
                condition=Q(is_public=True),
                name="events_claim_public_kind",
            ),
            models.Index(
                fields=["assessment", "event"],
                condition=Q(is_public=True),
                name="events_claim_public_assessment",
            ),
            # The corroboration filter of the claim list.
            models.Index(
                fields=["independent_outlets"],
                condition=Q(is_public=True),
                name="events_claim_public_outlets",
            ),
            # The sitemap's files: public claims by id, read from the index alone.
            models.Index(
                fields=["id", "corrected_at", "first_published_at"],
                condition=Q(is_public=True),
                name="events_claim_public_by_id",
            ),
            # The review queue: entries in a state, those waiting longest first.
            models.Index(fields=["status", "last_edited_at", "id"], name="events_claim_queue"),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return f"{self.claimant}: {text}"

    def get_absolute_url(self):
        return reverse("events:claim_detail", args=[self.pk])

    @property
    def claimant(self):
        return self.claimant_actor.name if self.claimant_actor_id else self.claimant_label

    OBSTACLE_PREFETCH = ["citation_links__citation__source"]

    def rule_obstacles(self, within_event=False):
        """``within_event``: leave out the event and its place, which the event's own
        obstacles name."""
        found = []
        if not within_event:
            found += unpublished(self.event, _("its event “%(entry)s” %(state)s"))
            found += unpublished(
                self.event.place, _("the place of its event, “%(entry)s”, %(state)s")
            )
        found += unpublished(self.claimant_actor, _("its claimant “%(entry)s” %(state)s"))
        links = list(self.citation_links.all())
        if not links:
            return [*found, Obstacle(_("no citation backs it"), self)]
        if any(link.citation.is_live and link.citation.source.is_live for link in links):
            return found
        for link in links:
            found += unpublished(
                link.citation, _("its citation “%(entry)s” %(state)s")
            ) or unpublished(
                link.citation.source,
                _("the source “%(entry)s” of its citation “%(citation)s” %(state)s"),
                citation=link.citation,
            )
        return found

    @classmethod
    def stored_content(cls, fields):
        # Versions stored before the figure's form was recorded: their figures meant what
        # they read as then (migration 0019 gave the same form to the rows and logs).
        if "figure_kind" not in fields and "figure_low" in fields:
            kind = implied_kind(fields["figure_low"], fields.get("figure_high"))
            fields = {**fields, "figure_kind": kind}
        return fields

    @property
    def figure_display(self):
        return format_figure(self.figure_kind, self.figure_low, self.figure_high, self.figure_unit)

    @property
    def corroboration_display(self):
        """The corroboration in plain words: "3 independent outlets", "1 outlet, a party to
        the conflict"."""
        independent, party = self.independent_outlets, self.party_outlets
        if independent and party:
            text = ngettext(
                "%(independent)s independent outlet, %(party)s from parties to the conflict",
                "%(independent)s independent outlets, %(party)s from parties to the conflict",
                independent,
            ) % {"independent": independent, "party": party}
        elif independent:
            text = ngettext(
                "%(count)s independent outlet", "%(count)s independent outlets", independent
            ) % {"count": independent}
        elif party:
            text = ngettext(
                "%(count)s outlet, a party to the conflict",
                "%(count)s outlets, all parties to the conflict",
                party,
            ) % {"count": party}
        else:
            text = _("no supporting outlet")
        if self.disputed_by_citation:
            text = _("%(corroboration)s; disputed by a cited document") % {"corroboration": text}
        return text

    @property
    def claimant_side(self):
        return self.claimant_actor.side if self.claimant_actor_id else ""

    def clean(self):
        errors = {}
        if not self.claimant_actor_id and not self.claimant_label.strip():
            errors["claimant_label"] = _("Name the claimant: pick an actor or write a label.")
        errors.update(self._figure_errors())
        if errors:
            raise ValidationError(errors)

    def _figure_errors(self):
        """What the figure's form asks of its numbers (the constraints' rule), each message on
        the field to fix. An exact figure given once is stored as both bounds."""
        kind, low, high = self.figure_kind, self.figure_low, self.figure_high
        if not kind:
            if low is not None or high is not None:
                return {
                    "figure_kind": _(
                        "Say whether the figure is exact, a minimum, a maximum or a range."
                    )
                }
            return {}
        errors = {}
        if kind == FigureKind.EXACT:
            if low is None:
                low = self.figure_low = high
            if high is None:
                high = self.figure_high = low
            if low is None:
                errors["figure_low"] = _("Give the figure.")
            elif low != high:
                errors["figure_high"] = _(
                    "An exact figure is one number: leave the high figure empty or give the "
                    "same one, or choose a range."
                )
        elif kind == FigureKind.AT_LEAST:
            if low is None:
                errors["figure_low"] = _("Give the minimum claimed as the low figure.")
            if high is not None:
                errors["figure_high"] = _(
                    "A minimum has no high figure: leave it empty, or choose a range."
                )
        elif kind == FigureKind.AT_MOST:
            if high is None:
                errors["figure_high"] = _("Give the maximum claimed as the high figure.")
            if low is not None:
                errors["figure_low"] = _(
                    "A maximum has no low figure: leave it empty, or choose a range."
                )
        elif kind == FigureKind.RANGE:
            if low is None:
                errors["figure_low"] = _("Give the low end of the range.")
            if high is None:
                errors["figure_high"] = _("Give the high end of the range.")
            elif low is not None and low >= high:
                errors["figure_high"] = _("The high end of a range must be above the low end.")
        if not self.figure_unit.strip():
            errors["figure_unit"] = _("Say what the figure counts.")
        return errors


class ClaimCitationQuerySet(models.QuerySet):
    def public(self):
        """Links of public claims to live citations of published sources (which those
        claims make public)."""
        return self.filter(
            citation__is_live=True, citation__source__is_live=True, claim__is_public=True
        )


class ClaimCitation(models.Model):
    """A citation backing (or disputing) one claim, with what is specific to that claim."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", _("Supports the claim")
        DISPUTES = "disputes", _("Disputes the claim")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="citation_links"
    )
    citation = models.ForeignKey(
        "sources.Citation",
        verbose_name=_("citation"),
        on_delete=models.PROTECT,
        related_name="claim_links",
    )
    quote = models.TextField(
        _("quoted passage"), blank=True, help_text=_("The passage, in the document's language.")
    )
    quote_language = models.CharField(
        _("quote language"), max_length=5, choices=CONTENT_LANGUAGES, blank=True
    )
    translation = models.TextField(
        _("translation"), blank=True, help_text=_("An English translation of the passage.")
    )
    locator = models.CharField(
        _("where in the document"),
        max_length=100,
        blank=True,
        help_text=_('Page, paragraph or timestamp: "para. 4", "02:15".'),
    )
    stance = models.CharField(
        _("stance"), max_length=10, choices=Stance.choices, default=Stance.SUPPORTS
    )
    reported_by = models.ForeignKey(
        "sources.Citation",
        verbose_name=_("as reported by"),
        on_delete=models.PROTECT,
        related_name="reported_links",
        null=True,
        blank=True,
        help_text=_(
            "When the record knows this document only through another one that reports it: "
            "that other citation. The link then holds no quoted passage."
        ),
    )

    objects = ClaimCitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("citation of the claim")
        verbose_name_plural = _("citations of the claim")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "citation"], name="events_claimcitation_unique"
            )
        ]

    def __str__(self):
        # Shown as the heading of each link in the claim's form and in the review log: the
        # claim and the document in words, short enough for one line (never the claim's id).
        claim = Truncator(str(self.claim)).chars(STR_PART_LENGTH)
        return f"{claim} → {Truncator(self.citation.title).chars(STR_PART_LENGTH)}"

    def clean(self):
        if self.translation.strip() and not self.quote.strip():
            raise ValidationError(
                {"quote": _("A translation needs the quoted passage it translates.")}
            )
        if self.reported_by_id is None:
            return
        if self.quote.strip():
            # The words are the reporting document's: quote them on a link to that one.
            raise ValidationError(
                {
                    "quote": _(
                        "A document known only as reported by another has no quoted passage "
                        "of its own: cite the reporting document with its words instead."
                    )
                }
            )
        if self.reported_by_id == self.citation_id:
            raise ValidationError({"reported_by": _("A document cannot be reported by itself.")})

    @property
    def public_reported_by(self):
        """The reporting citation, if the public may see it."""
        reporter = self.reported_by
        return reporter if reporter is not None and reporter.is_public else None


class Transition(models.Model):
    """One step of the editorial workflow, kept for the audit trail."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of entry"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(_("entry id"), max_length=64, db_index=True)
    content_object = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("entry"), max_length=250)

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted for review")
        APPROVE = "approve", _("Approved")
        REQUEST_CHANGES = "request_changes", _("Changes requested")
        WITHDRAW = "withdraw", _("Withdrawn")
        CREATE = "create", _("Created")
        EDIT = "edit", _("Edited")
        DISCARD = "discard", _("Pending change discarded")
        RESTORE = "restore", _("Earlier version restored")
        RECOVER = "recover", _("Recovered after deletion")
        DELETE = "delete", _("Deleted")

    # Steps that change an entry's content: whoever took one shaped what a reviewer approves.
    SHAPING_ACTIONS = ("create", "edit", "restore", "recover")

    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="review_transitions",
    )
    comment = models.TextField(_("comment"), blank=True)
    snapshot = models.JSONField(
        _("content after the step"),
        null=True,
        blank=True,
        help_text=_(
            "The entry's latest content once the step was taken (its pending change, if any): "
            "every edit stays recoverable, including replaced and discarded pending changes."
        ),
    )
    correction_note = models.CharField(
        _("correction note"),
        max_length=300,
        blank=True,
        help_text=_("What this approval corrected in the published entry, as the public sees it."),
    )
    content_token = models.CharField(
        _("content token"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("Fingerprint of the published content and pending change after the step."),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    # Not stored: set once the step's notification e-mail failed after the commit, so the
    # view that took the step can tell the reviewer (events/workflow.py, _notify).
    notification_failed = False

    class Meta:
        verbose_name = _("review transition")
        verbose_name_plural = _("review transitions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="events_transition_object"),
            # The audit log's order: many steps share a time when a batch is reviewed.
            models.Index(fields=["-created_at", "-id"], name="events_transition_recent"),
            # The public corrections log.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(action="approve") & ~Q(correction_note=""),
                name="events_transition_corrections",
            ),
        ]

    def __str__(self):
        return (
            f"{self.object_repr}: {self.get_from_status_display()} → {self.get_to_status_display()}"
        )
