"""Forms of the quote pages; the rules (lines, precision, discontinued products) are the services'.
The line form set is the shared one (saas_core.lines.forms)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas_core.lines.forms import DATE, DocumentForm
from saas_core.quotes.models import Quote


class QuoteForm(DocumentForm):
    optional = ("owner", "quoted_on", "valid_until", "strategy")

    class Meta:
        model = Quote
        fields = ("subject", "customer", "opportunity", "strategy", "quoted_on", "valid_until", "owner", "terms")
        widgets = {"quoted_on": DATE, "valid_until": DATE, "terms": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quoted_on"].required = False
        self.fields["valid_until"].required = False
        self.fields["valid_until"].help_text = _("Empty: 30 days after the quote date.")
