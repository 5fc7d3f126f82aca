"""The link point of the opportunity detail page: panels other apps add (quotes, contracts …).

    from saas_core.opportunities.detail_panels import register_detail_panel

    def _quotes(request, opportunity):
        return {"quotes": visible(Quote.objects.filter(opportunity=opportunity), request.user)[:20]}

    register_detail_panel("quotes", _("Quotes"), "quotes/_opportunity_quotes.html", _quotes, order=30,
                          permission=("quotes", "view"))

``context(request, opportunity)`` returns the template's context or None to hide the panel; the
template also gets ``opportunity`` and ``panel``. This module imports no app above it.
"""

from __future__ import annotations

from saas_core.records.panels import PanelRegistry

registry = PanelRegistry()
register_detail_panel = registry.register
unregister_detail_panel = registry.unregister
panels_for = registry.shown  # panels_for(request, opportunity) -> [(panel, context)]
