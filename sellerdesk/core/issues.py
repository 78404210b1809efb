"""The words of the desk (PRODUCT.md §1): issue types, severities, statuses, remedies."""

from __future__ import annotations

from enum import StrEnum


class IssueType(StrEnum):
    LATE_DELIVERY = "late_delivery"
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"
    MISSING_ITEM = "missing_item"
    NOT_AS_DESCRIBED = "not_as_described"
    DEFECTIVE = "defective"
    BILLING_ERROR = "billing_error"
    SELLER_ERROR = "seller_error"   # late reply, misleading listing
    TECHNICAL = "technical"         # site or ordering fault
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Severity(StrEnum):
    MINOR = "minor"
    MODERATE = "moderate"
    MAJOR = "major"


class IssueStatus(StrEnum):
    OPEN = "open"
    AWAITING_BUYER = "awaiting_buyer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    ESCALATED_ATOZ = "escalated_atoz"
    ESCALATED_CHARGEBACK = "escalated_chargeback"

    @property
    def label(self) -> str:
        return {"awaiting_buyer": "Awaiting buyer", "escalated_atoz": "A-to-z claim",
                "escalated_chargeback": "Chargeback"}.get(self.value, self.value.capitalize())


_STATUS_ARROW = " → "


def status_line(before: IssueStatus, after: IssueStatus, note: str = "") -> str:
    """The timeline's text for a status change: "Open → Resolved: buyer happy"."""
    return f"{before.label}{_STATUS_ARROW}{after.label}" + (f": {note}" if note else "")


def status_after(line: str) -> IssueStatus | None:
    """The status a status_line moved to (None if the text is not one)."""
    label = line.partition(_STATUS_ARROW)[2].partition(":")[0]
    return next((s for s in IssueStatus if s.label == label), None)


class BuyerResponse(StrEnum):
    """What the buyer said to the offer in the reply; WAITING from the reply on."""
    NONE = ""
    WAITING = "waiting"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    NO_ANSWER = "no_answer"

    @property
    def label(self) -> str:
        return {"": "—", "no_answer": "No answer"}.get(self.value, self.value.capitalize())


class Remedy(StrEnum):
    """What is given. Courtesy credit is Amazon's `Goodwill` adjustment component."""
    COURTESY_CREDIT = "courtesy_credit"
    PARTIAL_REFUND = "partial_refund"
    RETURN_SHIPPING = "return_shipping"
    REPLACEMENT = "replacement"
    FULL_REFUND = "full_refund"
    PROMOTIONAL_CREDIT = "promotional_credit"  # a code for a future purchase, with an expiry
    NONE = "none"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()
