from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.models import Organisation
from orgs.services import CONTACT_FIELDS


class ContactForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("修改原因"), max_length=500, required=False)

    class Meta:
        model = Organisation
        fields = list(CONTACT_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-control")

    def changes(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in CONTACT_FIELDS}
