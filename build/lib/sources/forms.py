from django import forms
from django.utils.translation import gettext_lazy as _


class ReferenceListForm(forms.Form):
    references = forms.CharField(
        label=_("Reference list"),
        # Kept as pasted, so that reported line numbers match what the editor sees.
        strip=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 120, "spellcheck": "false"}),
        help_text=_(
            "Paste the references of an article, one per line, as copied from the page. "
            "Nothing is saved until you confirm the preview."
        ),
    )
