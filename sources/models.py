"""Sources (outlets and issuers) and the documents cited from them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import (
    CONTENT_LANGUAGES,
    Claim,
    Obstacle,
    Reviewable,
    ReviewableQuerySet,
    Side,
    split_lines,
    unpublished,
)


class SourceQuerySet(ReviewableQuerySet):
    def meets_publication_rule(self):
        """Published sources with at least one public citation."""
        return self.filter(is_live=True).filter(
            Exists(Citation.objects.meets_publication_rule().filter(source=OuterRef("pk")))
        )


class Source(Reviewable):
    class Kind(models.TextChoices):
        NEWS_OUTLET = "news_outlet", _("News outlet")
        NEWS_AGENCY = "news_agency", _("News agency")
        INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
        GOVERNMENT = "government", _("Government or army")
        ARMED_GROUP = "armed_group", _("Armed group")
        NGO = "ngo", _("Non-governmental organisation")
        RESEARCH = "research", _("Research institute")
        SOCIAL_MEDIA = "social_media", _("Social media account")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166 code: FR, ML, US…")
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=CONTENT_LANGUAGES,
        blank=True,
        help_text=_("The language the source mostly publishes in."),
    )
    is_party = models.BooleanField(
        _("party to the conflict"),
        default=False,
        help_text=_("The source speaks for a belligerent (an army communiqué, a rebel statement)."),
    )
    side = models.CharField(
        _("side"),
        max_length=20,
        choices=Side.choices,
        blank=True,
        help_text=_(
            "Which side the party stands on; a source that speaks for an actor takes the "
            "actor's side, so leave it empty then."
        ),
    )
    actor = models.ForeignKey(
        "events.Actor",
        verbose_name=_("speaks for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
    )
    aliases = models.TextField(
        _("aliases"), blank=True, help_text=_("Other names the outlet appears under, one per line.")
    )
    website = models.CharField(
        _("website"), max_length=200, blank=True, help_text=_("Domain only: rfi.fr")
    )
    description = models.TextField(_("description"), blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta(Reviewable.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]
        permissions = [("approve_source", _("Can approve, return and withdraw sources"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sources:source_detail", args=[self.slug])

    @property
    def alias_list(self):
        return split_lines(self.aliases)

    @property
    def party_side(self):
        """The side the source speaks for: its actor's when it speaks for one that is a party,
        else its own; empty when it is not a party. The one rule pages and exports read.
        Only a published actor lends its side: a draft's row holds unreviewed content."""
        if not self.is_party:
            return ""
        if self.actor_id and self.actor.is_live and self.actor.side:
            return self.actor.side
        return self.side

    def get_party_side_display(self):
        return Side(self.party_side).label if self.party_side else ""

    def rule_obstacles(self):
        # A live source's stored state is its rule's answer (events/publication.py).
        if self.is_live and not self.is_public:
            return [Obstacle(_("no public citation comes from it"), self)]
        return []

    def clean(self):
        if self.actor_id and not self.is_party:
            raise ValidationError(
                {"is_party": _("A source that speaks for an actor is a party to the conflict.")}
            )
        if self.side and not self.is_party:
            raise ValidationError({"side": _("Only a party to the conflict has a side.")})


class CitationQuerySet(ReviewableQuerySet):
    def meets_publication_rule(self):
        """Live citations of published sources that back at least one public claim."""
        return self.filter(is_live=True, source__is_live=True).filter(
            Exists(
                Claim.objects.meets_publication_rule().filter(
                    citation_links__citation=OuterRef("pk")
                )
            )
        )


class Citation(Reviewable):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        REPORT = "report", _("Report")
        COMMUNIQUE = "communique", _("Communiqué or statement")
        VIDEO = "video", _("Video")
        SOCIAL_MEDIA_POST = "social_media_post", _("Social media post")
        OTHER = "other", _("Other")

    class DatePrecision(models.TextChoices):
        DAY = "day", _("Day")
        MONTH = "month", _("Month")

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(_("title"), max_length=400)
    url = models.URLField(
        _("URL"),
        max_length=500,
        blank=True,
        help_text=_("Leave empty when the reference gives only title, outlet and date."),
    )
    author = models.CharField(
        _("author"),
        max_length=300,
        blank=True,
        help_text=_('"Surname, Given"; several separated by ";"'),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True, db_index=True)
    published_precision = models.CharField(
        _("publication date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=CONTENT_LANGUAGES, blank=True)
    republishes = models.ForeignKey(
        "self",
        verbose_name=_("republishes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="republications",
        help_text=_(
            "The wire story or document this one reprints (an AFP dispatch run by a "
            "newspaper): corroboration counts the original's outlet, once."
        ),
    )
    archive_url = models.URLField(_("archive URL"), max_length=500, blank=True)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)

    objects = CitationQuerySet.as_manager()

    class Meta(Reviewable.Meta):
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["-published_on", "title"]
        permissions = [("approve_citation", _("Can approve, return and withdraw citations"))]
        constraints = [
            *Reviewable.Meta.constraints,
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="sources_citation_unique_url",
                violation_error_code="unique",
                violation_error_message=_("Another citation already has this URL."),
            ),
            models.UniqueConstraint(
                fields=["source", "title", "published_on"],
                name="sources_citation_unique_document",
            ),
            models.CheckConstraint(
                condition=~Q(republishes=F("pk")), name="sources_citation_not_own_original"
            ),
            models.CheckConstraint(
                condition=Q(accessed_on__isnull=True)
                | Q(published_on__isnull=True)
                | Q(accessed_on__gte=F("published_on")),
                name="sources_citation_accessed_after_published",
            ),
        ]
        indexes = [
            models.Index(
                fields=["source"],
                condition=Q(is_public=True),
                name="sources_citation_public_source",
            ),
            # The sitemap's files: public citations by id, read from the index alone.
            models.Index(
                fields=["id", "corrected_at", "first_published_at"],
                condition=Q(is_public=True),
                name="sources_citation_public_by_id",
            ),
            # The review queue: citations in a state, those waiting longest first.
            models.Index(fields=["status", "last_edited_at", "id"], name="sources_citation_queue"),
        ]

    def __str__(self):
        date = f", {self.published_on:%Y-%m-%d}" if self.published_on else ""
        return f"{self.title} ({self.source}{date})"

    def get_absolute_url(self):
        return reverse("sources:citation_detail", args=[self.pk])

    OBSTACLE_PREFETCH = [
        "claim_links__claim__event__place",
        "claim_links__claim__claimant_actor",
        "claim_links__claim__citation_links__citation__source",
    ]

    def rule_obstacles(self):
        found = unpublished(self.source, _("its source “%(entry)s” %(state)s"))
        claims = [link.claim for link in self.claim_links.all()]
        if not claims:
            return [*found, Obstacle(_("no claim cites it"), self)]
        blocked = [
            (claim, [*unpublished(claim, _("the claim itself %(state)s")), *claim.rule_obstacles()])
            for claim in claims
        ]
        if any(not reasons for _claim, reasons in blocked):
            return found
        for claim, reasons in blocked:
            found += [
                Obstacle(
                    _("claim “%(claim)s”: %(reason)s") % {"claim": claim, "reason": reason.text},
                    reason.entry,
                )
                for reason in reasons
                # This citation's own state and its source's are said above.
                if reason.entry not in (self, self.source)
            ]
        return found

    def clean(self):
        if self.accessed_on and self.published_on and self.accessed_on < self.published_on:
            raise ValidationError(
                {"accessed_on": _("A document cannot be accessed before it was published.")}
            )
        if self.republishes_id is not None and (
            self.republishes_id == self.pk or self.republishes.republishes_id is not None
        ):
            raise ValidationError(
                {
                    "republishes": _(
                        "Point to the original document itself, not to this one or to "
                        "another republication."
                    )
                }
            )
