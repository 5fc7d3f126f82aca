"""``{% approval_panel document %}``: the approval block a registered document's page includes."""

from django import template

from saas_core.approvals import panels, registry

register = template.Library()


@register.inclusion_tag("approvals/_panel.html", takes_context=True)
def approval_panel(context, obj, standing=None):
    """``{% approval_panel quote %}``, or ``{% approval_panel quote standing %}`` with the view's
    ``approvals.services.standing(quote)`` when it read that already."""
    return panels.record_panel(context["request"], obj, standing)


@register.filter
def doc_type_label(key: str) -> str:
    document_type = registry.get(key)
    return str(document_type.label) if document_type else key
