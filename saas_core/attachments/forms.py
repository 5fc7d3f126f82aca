from django import forms
from django.utils.translation import gettext_lazy as _


class AttachmentForm(forms.Form):
    # Empty files and the size limit are the service's to refuse, with the file's name.
    file = forms.FileField(label=_("File"), allow_empty_file=True, max_length=None,
                           error_messages={"required": _("Choose a file to upload.")})
    description = forms.CharField(label=_("Description"), max_length=500, required=False)


class DescriptionForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
