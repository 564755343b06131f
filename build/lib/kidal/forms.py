from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from reversion.revisions import get_registered_models


class AuditFilterForm(forms.Form):
    """Filters of the staff audit page; every value is checked, so a bad one is a form error."""

    KIND_CHOICES = [("revisions", _("Changes (versions)")), ("transitions", _("Review steps"))]

    kind = forms.ChoiceField(label=_("Show"), choices=KIND_CHOICES, required=False)
    user = forms.ModelChoiceField(
        label=_("User"), queryset=get_user_model().objects.order_by("username"), required=False
    )
    model = forms.ModelChoiceField(label=_("Kind of entry"), queryset=None, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = ContentType.objects.filter(
            pk__in=[ContentType.objects.get_for_model(m).pk for m in get_registered_models()]
        ).order_by("model")
        self.fields["model"].label_from_instance = lambda ct: str(
            ct.model_class()._meta.verbose_name_plural
        ).capitalize()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
