"""Password rules beyond Django's own (AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The substitutions people make to pass "use a digit and a symbol" rules; 1 stands for i or l.
_LEET = [str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}),
         str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})]
# A shorter core is too often a chance hit in a long, random password ("Go-47281935!").
_MIN_CORE = 4


def _strip(text: str) -> str:
    """Drop the digits and symbols added in front of or after a word (Password2024!)."""
    start, end = 0, len(text)
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and not text[end - 1].isalpha():
        end -= 1
    return text[start:end]


def candidates(password: str) -> set[str]:
    """The common password a password may be built on: lower-cased, de-leeted, stripped, in
    both orders (``admin@123`` needs the strip first, ``hell0`` the de-leet first)."""
    base = password.lower().strip()
    found = {base}
    for table in _LEET:
        found |= {_strip(base), _strip(base).translate(table), _strip(base.translate(table)), base.translate(table)}
    return {c for c in found if c == base or len(c) >= _MIN_CORE}


class CommonPasswordPatternValidator(CommonPasswordValidator):
    """Django's common-password list, checked also behind leetspeak and added digits/symbols
    (``Passw0rd!``), as ASVS 6.2.4 asks."""

    def validate(self, password: str, user=None) -> None:
        if candidates(password) & self.passwords:
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self) -> str:
        return _("This password is too common: it is a well-known password, perhaps with capitals, "
                 "digits or symbols swapped in or added. Choose one that is hard to guess.")

    def get_help_text(self) -> str:
        return _("Your password can’t be a commonly used password, even with digits or symbols "
                 "swapped in for letters or added at the end.")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message in the reader's language: Django 5.2 reworded it ("%d") and
    its zh-Hans catalogue has no translation of the new wording, so the signup page said
    "This password is too short" in English on a Chinese page. The former wording is translated."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
