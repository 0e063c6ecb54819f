"""Exact score arithmetic: fractions in, half-up (四舍五入) two-decimal Decimals out."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def percent_cents(numerator: int, denominator: int) -> int:
    """round_half_up(100 × numerator / denominator, 2 decimals) as whole cents, for non-negative inputs."""
    # cents = floor(10000·n/d + 1/2) = floor((20000·n + d) / 2d)
    return (20000 * numerator + denominator) // (2 * denominator)


def fraction_cents(value: Fraction) -> int:
    """Half-up cents of 100 × value (value ≥ 0)."""
    return percent_cents(value.numerator, value.denominator)


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)


def decimal_places(values: object) -> int:
    """How many decimal places the most precise of these Decimals needs."""
    places = 0
    for value in values:
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            places = max(places, -exponent)
    return places


def to_fraction(value: Decimal) -> Fraction:
    return Fraction(value)


def format_score(score: Decimal | None) -> str:
    """'87.50', or '—' for a unit not assessed."""
    return "—" if score is None else f"{score:.2f}"


def format_amount(amount: Decimal | int) -> str:
    """Signed yuan with thousands separators: '+3,000', '-3,000', '0'."""
    amount = Decimal(amount)
    if amount == 0:
        return "0"
    text = f"{abs(amount):,.2f}".removesuffix(".00")
    return ("+" if amount > 0 else "-") + text
