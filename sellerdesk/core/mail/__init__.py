"""The seller's mail, read: one message parsed (parsing) and Amazon's notification emails
recognised (notifications). Plain Python, no I/O: services.mail fetches and sends."""

from sellerdesk.core.mail.notifications import NOTICES, Classified, Notice, classify
from sellerdesk.core.mail.parsing import (
    Attachment,
    MailMessage,
    order_ids_in,
    parse_message,
    relay_marketplace,
)

__all__ = ["NOTICES", "Attachment", "Classified", "MailMessage", "Notice", "classify",
           "order_ids_in", "parse_message", "relay_marketplace"]
