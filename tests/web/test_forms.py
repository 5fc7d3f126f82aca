"""Form fields rendered with Bootstrap's classes (web_tags.bs)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory

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


# --- autofocus: the cursor starts in the form's first field (an attribute; the CSP allows no inline script)

def _autofocused(html: str) -> list[str]:
    return re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"[^>]*\bautofocus\b', html)


def test_the_first_field_one_types_in_gets_the_focus_or_the_first_with_an_error():
    request = RequestFactory().get("/")
    assert _autofocused(render_to_string("web/_form.html", {"form": Sample()}, request=request)) == ["title"]
    with_error = Sample(data={"title": "x"})  # kind is missing
    with_error.is_valid()
    html = render_to_string("web/_form.html", {"form": with_error}, request=RequestFactory().get("/"))
    assert _autofocused(html) == ["kind"]


def test_only_one_field_per_page_and_a_form_may_opt_out():
    template = ('{% include "web/_form.html" with form=first autofocus=False %}'
                '{% include "web/_form.html" with form=second %}{% include "web/_form.html" with form=third %}')
    html = engines["django"].from_string(template).render(
        {"first": Sample(prefix="a"), "second": Sample(prefix="b"), "third": Sample(prefix="c")},
        request=RequestFactory().get("/"))
    assert _autofocused(html) == ["b-title"]


@pytest.mark.django_db
def test_form_pages_open_with_the_cursor_in_their_first_field(client_for, tenant_a, boss_a, public_client):
    assert _autofocused(client_for(tenant_a).get("/accounts/login/").content.decode()) == ["username"]
    assert _autofocused(public_client.get("/signup/").content.decode()) == ["company_name"]
    client = client_for(tenant_a, boss_a)
    assert _autofocused(client.get("/customers/new/").content.decode()) == ["name"]
    assert _autofocused(client.get("/accounts/users/new/").content.decode())[:1] != []
    # A status page with forms further down does not jump to them.
    assert _autofocused(client.get("/billing/").content.decode()) == []
