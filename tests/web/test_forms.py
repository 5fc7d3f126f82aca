"""Form fields rendered with Bootstrap's classes (web_tags.bs)."""

from __future__ import annotations

from django import forms

from web.templatetags.web_tags import bs


class Sample(forms.Form):
    kind = forms.ChoiceField(choices=[("schedule", "Schedule"), ("task", "Task")], widget=forms.RadioSelect)
    sections = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple,
                                         required=False)
    title = forms.CharField()


def test_choices_are_side_by_side_checks_with_their_labels():
    form = Sample(data={"title": "x"})
    form.is_valid()
    html = str(bs(form["kind"]))
    # The wrapper is a plain container: with the input's class it was 1em wide and the labels
    # were squeezed into a column over the next field.
    assert html.startswith('<div id="id_kind"><div class="form-check form-check-inline">')
    assert 'class="form-check-input is-invalid"' in html  # required and missing
    assert '<label class="form-check-label" for="id_kind_1">Task</label>' in html
    boxes = str(bs(form["sections"]))
    assert boxes.count('type="checkbox"') == 2 and 'for="id_sections_0">A</label>' in boxes
    assert 'class="form-control"' in str(bs(form["title"]))
