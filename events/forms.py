"""Forms for what reviewers and editors type beside the content: review decisions, restore
and recovery comments. Every value is checked, so bad input is a form error, never a 500."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import workflow
from .models import Reviewable

COMMENT_MAX_LENGTH = 2000
CORRECTION_NOTE_MAX_LENGTH = Reviewable._meta.get_field("correction_note").max_length
# C0 and C1 control characters other than tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def no_control_characters(value):
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("Remove the invisible control characters from this text."), code="control"
        )


class CommentField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", COMMENT_MAX_LENGTH)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "cols": 80}))
        super().__init__(**kwargs)
        self.validators.append(no_control_characters)


class SeenContentForm(forms.Form):
    """A form that says which content the person saw (see drafts.content_token)."""

    seen = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={
            "required": _(
                "The page did not say which version you saw: reload the entry and try again."
            )
        },
    )


class ReviewDecisionForm(SeenContentForm):
    ACTION_CHOICES = [(name, action.label) for name, action in workflow.ACTIONS.items()] + [
        ("discard", _("Discard pending change"))
    ]

    action = forms.ChoiceField(label=_("Step"), choices=ACTION_CHOICES)
    comment = CommentField(label=_("Comment"))
    correction_note = forms.CharField(
        label=_("Correction note"),
        max_length=CORRECTION_NOTE_MAX_LENGTH,
        required=False,
        validators=[no_control_characters],
    )

    # Set by the confirmation page of a step that needs one (withdraw, discard).
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_correction_note(self):
        note = self.cleaned_data["correction_note"]
        if "\n" in note or "\r" in note:
            raise ValidationError(_("The correction note is one line."), code="one_line")
        return note


class RestoreForm(SeenContentForm):
    comment = CommentField(label=_("Comment"))


class RecoverForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Recover this entry as a draft"),
        error_messages={"required": _("Confirm the recovery with the button.")},
        widget=forms.HiddenInput,
    )
    comment = CommentField(label=_("Comment"))
