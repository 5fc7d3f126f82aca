"""Moving-average costing, as pure arithmetic on one (product, warehouse) balance.

Unit costs have 6 places, values 2, rounded HALF_UP. A receipt re-averages (value / quantity), an
issue takes the current average, and whenever the quantity reaches exactly 0 the value becomes
exactly 0: the move takes the whole remaining value, so rounding residue goes to the last issue.
The balance's value is, by construction, the sum of the values of the moves computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

COST_QUANTUM = Decimal("0.000001")
VALUE_QUANTUM = Decimal("0.01")
ZERO = Decimal(0)


def round_cost(value: Decimal) -> Decimal:
    return value.quantize(COST_QUANTUM, ROUND_HALF_UP)


def round_value(value: Decimal) -> Decimal:
    return value.quantize(VALUE_QUANTUM, ROUND_HALF_UP)


@dataclass(frozen=True)
class State:
    quantity: Decimal = ZERO
    unit_cost: Decimal = ZERO
    value: Decimal = ZERO


@dataclass(frozen=True)
class Step:
    """One move's figures and the balance after it."""

    quantity: Decimal  # signed
    unit_cost: Decimal
    value: Decimal  # signed
    after: State


def receive(state: State, quantity: Decimal, *, unit_cost: Decimal | None = None,
            value: Decimal | None = None) -> Step:
    """``quantity`` (> 0) comes in at ``unit_cost`` each, or with a fixed total ``value`` (a transfer
    carries the source's value unchanged)."""
    if value is None:
        cost = state.unit_cost if unit_cost is None else unit_cost
        value = round_value(quantity * cost)
    new_qty = state.quantity + quantity
    if new_qty == 0:
        value = -state.value  # back to zero from negative stock: nothing may remain
    new_value = state.value + value
    if new_qty > 0:
        average = round_cost(new_value / new_qty)
    else:
        average = round_cost(value / quantity) if quantity else state.unit_cost
    return Step(quantity, round_cost(value / quantity), value, State(new_qty, average, new_value))


def issue(state: State, quantity: Decimal) -> Step:
    """``quantity`` (> 0) goes out at the current average."""
    new_qty = state.quantity - quantity
    if new_qty == 0:
        value = state.value
    else:
        value = round_value(quantity * state.unit_cost)
        if state.quantity > 0 and new_qty > 0:
            # The average is rounded: never take more value than there is while stock remains.
            value = min(value, max(state.value, ZERO))
    return Step(-quantity, state.unit_cost, -value, State(new_qty, state.unit_cost, state.value - value))


def undo(state: State, quantity: Decimal, value: Decimal) -> Step:
    """Take back a move of ``quantity`` and ``value`` (signed as posted): its exact opposite, except
    that a balance reaching quantity 0 gives up all its remaining value."""
    new_qty = state.quantity - quantity
    back = -value if new_qty != 0 else -state.value
    new_value = state.value + back
    average = round_cost(new_value / new_qty) if new_qty > 0 else state.unit_cost
    cost = round_cost(abs(back / quantity)) if quantity else state.unit_cost
    return Step(-quantity, cost, back, State(new_qty, average, new_value))
