"""The product's date formats per language (settings.FORMAT_MODULE_PATH), the one place they are
set: templates write ``|date:"DATE_FORMAT"`` (a day) or ``|date:"SHORT_DATETIME_FORMAT"`` (a day
and time), never a pattern of their own, so the billing banner and the cards agree.

Django's own per-language formats disagreed with the product's lists and cards ("2026年12月21日"
and "Dec. 21, 2026" in the banner, "2026-12-21" on the cards): the lists' year-month-day form,
which sorts and scans in columns, is the one in both languages."""
