"""Product lines shared by every sales document (quotes, contracts, orders; later purchase orders).

One shape and one computation: ``models.ProductLine`` (product, quantity, unit price, discount %,
line total), ``services.compute_totals`` (each line rounded HALF_UP, the sum, minus a document
discount), ``services.clean_lines`` (field errors keyed ``lines.<i>.<field>``), the form set of
the line editor and its script (``lines/line_editor.js``), so a document type adds only its own
header fields and rules.
"""
