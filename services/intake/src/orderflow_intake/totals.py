"""An order's totals must add up: goods less discounts, plus shipping, tax (unless included) and
other charges, is the total the buyer paid, to the minor unit. One that does not is held for an
operator with both figures, never corrected."""

from orderflow_contracts.intake import HoldReason

from orderflow_intake.adapters import ParsedOrder

TOTALS_DO_NOT_ADD_UP = "totals_do_not_add_up"


def totals_reasons(parsed: ParsedOrder) -> list[HoldReason]:
    totals = parsed.totals
    if totals is None or totals.expected_total == totals.total:
        return []
    tax = "tax included" if totals.tax_included else f"+ tax {totals.tax}"
    detail = (
        f"the {parsed.channel} order's total {totals.total} {parsed.currency} is not goods"
        f" {totals.goods} - discounts {totals.discounts} + shipping {totals.shipping} {tax}"
        f" + other {totals.other} = {totals.expected_total}"
    )
    return [HoldReason(code=TOTALS_DO_NOT_ADD_UP, detail=detail)]
