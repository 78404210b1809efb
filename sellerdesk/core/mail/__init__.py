"""The seller's mail, read: one message parsed (parsing) and Amazon's notification emails
recognised (notifications). Plain Python, no I/O: services.mail fetches and sends."""

from sellerdesk.core.mail.parsing import (
    Attachment,
    MailMessage,
    order_ids_in,
    parse_message,
    relay_marketplace,
)

__all__ = ["Attachment", "MailMessage", "order_ids_in", "parse_message", "relay_marketplace"]
