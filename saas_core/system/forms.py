from django import forms

from saas_core.system.models import SystemSettings


class SystemSettingsForm(forms.ModelForm):
    class Meta:
        model = SystemSettings
        fields = ("price_places", "quantity_places")
        widgets = {name: forms.NumberInput(attrs={"min": 0, "max": 6}) for name in fields}
