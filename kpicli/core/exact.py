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


def half_up(value: Fraction | int, places: int) -> Decimal:
    """Exact half-up rounding (四舍五入) to `places` decimals; a negative value rounds away from zero at .5."""
    scaled = abs(Fraction(value)) * 10**places
    whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    result = Decimal(whole).scaleb(-places)
    return (-result if value < 0 else result).quantize(Decimal(1).scaleb(-places))


JSON_PLACES = 6  # a Fraction that is no whole number goes to JSON half-up to this many places


def json_number(value: object, *, whole_as_int: bool = True) -> int | float | None:
    """An exact value as a JSON number: None (or NaN/NA) → None; a Fraction half-up to JSON_PLACES places;
    a whole Fraction or Decimal as an int when whole_as_int (else a float: 90.0); an int or float as it is."""
    if not isinstance(value, (Decimal, Fraction, int, float)) or isinstance(value, bool):
        return None
    if isinstance(value, Fraction):
        if value.denominator == 1 and whole_as_int:
            return int(value)
        value = half_up(value, JSON_PLACES)
    if isinstance(value, Decimal):
        return int(value) if whole_as_int and value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value != value:
        return None
    return value


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
