"""What every customer-side sales document checks and does the same way (quotes, contracts,
orders): its customer, opportunity and owner against the user's data scope; locking it. (Handing
a batch of them to another owner is ``saas_core.records.batch``, as for every owned record.)"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from saas_core.customers import access as customer_access
from saas_core.org.scope import can_see, visible_user_ids


def check_parties(document: models.Model, by, errors: dict, *, no_customer: str, owner_out_of_scope: str) -> None:
    """The customer is one ``by`` sees, the opportunity is that customer's and visible, and the
    owner is within ``by``'s scope; problems go to ``errors`` by field."""
    customer = document.customer if document.customer_id else None
    if customer is None:
        errors["customer"] = [no_customer]
    elif not customer_access.can_view(by, customer):
        errors["customer"] = [_("You may not see this customer.")]
    if document.opportunity_id:
        opportunity = document.opportunity
        if customer is not None and opportunity.customer_id != customer.pk:
            errors["opportunity"] = [_("This opportunity belongs to another customer.")]
        elif not can_see(by, opportunity):
            errors["opportunity"] = [_("You may not see this opportunity.")]
    if document.owner_id and by.pk != document.owner_id:
        ids = visible_user_ids(by)
        if ids is not None and document.owner_id not in ids:
            errors["owner"] = [owner_out_of_scope]


def locked(model: type[models.Model], pk: int, *, gone: str) -> models.Model:
    """The row locked for this transaction (SELECT … FOR UPDATE); ValidationError ``gone`` if deleted."""
    row = model.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise ValidationError(gone)
    return row


def copy_into(target: models.Model, source: models.Model) -> None:
    """The caller's instance gets the locked row's values (after a service changed and saved it)."""
    target.__dict__.update({k: v for k, v in source.__dict__.items() if k != "_state"})


def kept_products(line_model: type[models.Model], **document) -> set[int]:
    """The products already on a document's lines (they may stay there even when discontinued)."""
    return set(line_model.objects.filter(**document).values_list("product_id", flat=True))
