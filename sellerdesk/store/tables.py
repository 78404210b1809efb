"""Every table, in one place — but the imported orders' three and the policy's versions,
declared in Core in store/core_tables.py (so that reading orders, or importing them into
a new desk, needs no SQLModel) and re-exported here;
all are on one metadata. Amounts are integers of the currency's minor unit (exact on
SQLite and PostgreSQL alike); datetimes are naive UTC."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from sellerdesk.core.sealing import is_envelope
from sellerdesk.store.core_tables import METADATA, ORDER_ID
from sellerdesk.store.core_tables import ORDER_DAYS as ORDER_DAYS
from sellerdesk.store.core_tables import ORDER_ITEMS as ORDER_ITEMS
from sellerdesk.store.core_tables import ORDERS as ORDERS
from sellerdesk.store.core_tables import POLICY_VERSIONS as POLICY_VERSIONS


class TableModel(SQLModel, registry=registry(metadata=METADATA)):
    """The base of every table class here: SQLModel, with the table on METADATA beside
    the order tables (store/core_tables.py, Core), so that one metadata holds them all."""


class Staff(TableModel, table=True):
    """Who is at the desk. A personal approval limit is per currency, as JSON text
    ({"USD": "15", "JPY": "1500"}); a single desk keeps a supervisor's or owner's PIN as a
    scrypt hash (services.protection.pins) and counts wrong tries here, so a restart resets
    nothing."""
    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, sa_column_kwargs={"unique": True})
    role: str = Field(max_length=16)                  # agent | supervisor | owner
    approval_limits: str | None = Field(default=None, sa_type=sa.Text())
    created_at: datetime = Field(sa_type=sa.DateTime())
    deactivated_at: datetime | None = Field(default=None, sa_type=sa.DateTime())
    pin_hash: str | None = Field(default=None, max_length=200)
    pin_failures: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    pin_locked_until: datetime | None = Field(default=None, sa_type=sa.DateTime())


class Issue(TableModel, table=True):
    __tablename__ = "issue"
    __table_args__ = (
        sa.Index("ix_issue_order", "order_id"),
        sa.Index("ix_issue_status", "status"),
        sa.Index("ix_issue_buyer", "buyer_ref", "created_at"),
        sa.Index("ix_issue_reply_due", "reply_due_at"),
        sa.Index("ix_issue_created", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(sa_column=sa.Column(ORDER_ID, sa.ForeignKey("orders.order_id"),
                                              nullable=False))
    type: str = Field(max_length=32)
    severity: str = Field(max_length=16)
    status: str = Field(max_length=32)
    affected: str = Field(default="", sa_type=sa.Text())      # "SKU:QTY,SKU:QTY"
    days_late: int = 0
    buyer_ref: str | None = Field(default=None, max_length=64)  # HMAC, never the buyer
    notes: str = Field(default="", sa_type=sa.Text())
    assignee: str = Field(default="", max_length=100)
    resolution: str = Field(default="", max_length=32)
    # "" | waiting (after the reply) | accepted | declined | no_answer
    buyer_response: str = Field(default="", max_length=16)
    # set while a buyer contact waits for a reply: when the 24 hours run out
    reply_due_at: datetime | None = Field(default=None, sa_type=sa.DateTime())
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(sa_type=sa.DateTime())
    updated_at: datetime = Field(sa_type=sa.DateTime())
    # when the buyer's personal data was purged (the issue itself stays)
    personal_data_purged_at: datetime | None = Field(default=None, sa_type=sa.DateTime())


class SealedBytes(sa.TypeDecorator):
    """A column that holds only sealed envelopes (core.sealing): plaintext handed to it by
    mistake is refused before it reaches the file."""
    impl = sa.LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is not None and not is_envelope(value):
            raise TypeError("only a sealed value may be stored in a sealed column")
        return value


class PersonalData(TableModel, table=True):
    """Buyer personal data staff typed on an issue (name, e-mail, address), one sealed
    cell per field, bound to its issue and field. Purged on time; the issue stays."""
    __tablename__ = "personal_data"
    __table_args__ = (sa.Index("ix_personal_data_key", "key_id"),)

    issue_id: int = Field(sa_column=sa.Column(
        sa.Integer, sa.ForeignKey("issue.id", ondelete="CASCADE"), primary_key=True))
    field: str = Field(max_length=16, primary_key=True)      # name | email | address
    sealed: bytes = Field(sa_column=sa.Column(SealedBytes(), nullable=False))
    key_id: int = Field(sa_type=sa.BigInteger)
    entered_by: str = Field(max_length=100)
    entered_at: datetime = Field(sa_type=sa.DateTime())


class SecurityEvent(TableModel, table=True):
    """Who exported, purged, backed up, restored, rotated keys, gave or reversed credits.
    Never personal data. Kept 12 months."""
    __tablename__ = "security_event"
    # No RETURNING on insert: a team agent writes the log without being allowed to read it.
    __table_args__ = (sa.Index("ix_security_event_at", "at"), {"implicit_returning": False})

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=sa.DateTime())
    actor: str = Field(max_length=100)
    action: str = Field(max_length=32)
    detail: str = Field(sa_type=sa.Text())


class TeamSecret(TableModel, table=True):
    """On a team database, the keys every desk shares (buyer references, buyer data),
    each sealed with the team key that only the colleagues' keyrings hold."""
    __tablename__ = "team_secret"

    name: str = Field(primary_key=True, max_length=64)
    sealed: bytes = Field(sa_type=SealedBytes())
    updated_at: datetime = Field(sa_type=sa.DateTime())
    updated_by: str = Field(max_length=100)


class IssueClaim(TableModel, table=True):
    """On a team database, the issue each login has open (one per login), so the others
    see it taken; a claim not renewed for a few minutes (a closed laptop) has lapsed."""
    __tablename__ = "issue_claim"

    login: str = Field(primary_key=True, max_length=100)
    issue_id: int = Field(sa_column=sa.Column(
        sa.Integer, sa.ForeignKey("issue.id", ondelete="CASCADE"), nullable=False))
    since: datetime = Field(sa_type=sa.DateTime())
    seen_at: datetime = Field(sa_type=sa.DateTime())


class TimelineEvent(TableModel, table=True):
    __tablename__ = "timeline_event"
    __table_args__ = (sa.Index("ix_timeline_issue", "issue_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(sa_column=sa.Column(
        sa.Integer, sa.ForeignKey("issue.id", ondelete="CASCADE"), nullable=False))
    at: datetime = Field(sa_type=sa.DateTime())
    actor: str = Field(max_length=100)
    kind: str = Field(max_length=32)
    text: str = Field(default="", sa_type=sa.Text())


class ClockRun(TableModel, table=True):
    """Each of Amazon's clocks on an issue as its timeline sets it (`core.deadlines.runs`),
    kept by every timeline write so the dashboard counts missed deadlines over an index.
    Lengths are not stored: they come from the desk's facts when counted."""
    __tablename__ = "clock_run"
    __table_args__ = (sa.Index("ix_clock_run_started", "clock", "started", "took_seconds"),
                      # the runs still going, for the work queue (migration 0018)
                      sa.Index("ix_clock_run_open", "issue_id", "clock", "started",
                               sqlite_where=sa.text("met IS NULL"),
                               postgresql_where=sa.text("met IS NULL")))

    issue_id: int = Field(sa_column=sa.Column(
        sa.Integer, sa.ForeignKey("issue.id", ondelete="CASCADE"), primary_key=True))
    clock: str = Field(max_length=32, primary_key=True)
    started: datetime = Field(sa_type=sa.DateTime())
    met: datetime | None = Field(default=None, sa_type=sa.DateTime())
    took_seconds: float | None = None         # met − started


class Credit(TableModel, table=True):
    """The ledger: append-only (triggers refuse UPDATE and DELETE), hash-chained. The id
    is given by the writer inside the write lock, because the hash covers it."""
    __tablename__ = "credit"
    __table_args__ = (sa.Index("ix_credit_order", "order_id"),
                      sa.Index("ix_credit_issue", "issue_id"),
                      sa.Index("ix_credit_created", "created_at"),
                      # promotional codes by expiry, for the work queue (migration 0018)
                      sa.Index("ix_credit_expires", "expires_on",
                               sqlite_where=sa.text("expires_on IS NOT NULL"),
                               postgresql_where=sa.text("expires_on IS NOT NULL")))

    id: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    created_at: datetime = Field(sa_type=sa.DateTime())
    issue_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("issue.id"),
                                              nullable=False))
    order_id: str = Field(sa_column=sa.Column(ORDER_ID, sa.ForeignKey("orders.order_id"),
                                              nullable=False))
    kind: str = Field(max_length=32)
    amount_minor: int = Field(sa_type=sa.BigInteger)       # negative for a reversal
    currency: str = Field(max_length=3)
    reverses: int | None = Field(default=None, sa_column=sa.Column(
        sa.Integer, sa.ForeignKey("credit.id"), unique=True, nullable=True))
    reason: str = Field(default="", sa_type=sa.Text())
    staff: str = Field(max_length=100)
    approved_by: str | None = Field(default=None, max_length=100)
    policy_version: int | None = Field(default=None, sa_column=sa.Column(
        sa.Integer, sa.ForeignKey("policy_version.id"), nullable=True))
    suggested_minor: int | None = Field(default=None, sa_type=sa.BigInteger)
    explanation: str = Field(default="", sa_type=sa.Text())
    expires_on: date | None = Field(default=None, sa_type=sa.Date())
    prev_hash: str = Field(max_length=64)
    entry_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})


class ApprovalRequest(TableModel, table=True):
    """A credit waiting for a supervisor. Only an approved request becomes a credit."""
    __tablename__ = "approval_request"
    __table_args__ = (sa.Index("ix_approval_status", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("issue.id"),
                                              nullable=False))
    kind: str = Field(max_length=32)
    amount_minor: int = Field(sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)
    reason: str = Field(default="", sa_type=sa.Text())
    requested_by: str = Field(max_length=100)
    requested_at: datetime = Field(sa_type=sa.DateTime())
    policy_version: int | None = None
    suggested_minor: int | None = Field(default=None, sa_type=sa.BigInteger)
    explanation: str = Field(default="", sa_type=sa.Text())
    expires_on: date | None = Field(default=None, sa_type=sa.Date())
    status: str = Field(default="pending", max_length=16)   # pending | approved | rejected
    decided_by: str | None = Field(default=None, max_length=100)
    decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime())
    comment: str = Field(default="", sa_type=sa.Text())
    credit_id: int | None = None


class Defect(TableModel, table=True):
    """A defect Amazon recorded on an order. The rater's e-mail is kept only as a keyed
    hash, like a buyer reference."""
    __tablename__ = "defect"
    __table_args__ = (sa.UniqueConstraint("order_id", "kind", name="uq_defect_order_kind"),
                      sa.Index("ix_defect_recorded", "recorded_on"))

    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(sa_column=sa.Column(ORDER_ID, sa.ForeignKey("orders.order_id"),
                                              nullable=False))
    kind: str = Field(max_length=32)           # negative_feedback | atoz_claim | chargeback
    status: str = Field(max_length=16)
    recorded_on: date = Field(sa_type=sa.Date())
    rating: int | None = None
    rater_ref: str | None = Field(default=None, max_length=64)
    source: str = Field(max_length=32)         # manual | feedback_report
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(sa_type=sa.DateTime())
    updated_at: datetime = Field(sa_type=sa.DateTime())


class AmazonOdr(TableModel, table=True):
    """Amazon's own ODR for one marketplace and channel, from its seller performance
    report. Counts are missing when the report gives only the rate."""
    __tablename__ = "amazon_odr"
    __table_args__ = (sa.Index("ix_amazon_odr_imported", "imported_at"),)

    id: int | None = Field(default=None, primary_key=True)
    marketplace: str = Field(max_length=8)
    channel: str = Field(max_length=3)                 # AFN | MFN
    window_start: date | None = Field(default=None, sa_type=sa.Date())
    window_end: date | None = Field(default=None, sa_type=sa.Date())
    rate: float
    target: float | None = None
    status: str = Field(max_length=32)
    orders: int | None = None
    orders_with_defects: int | None = None
    negative_feedback: int | None = None
    atoz_claims: int | None = None
    chargebacks: int | None = None
    account_status: str = Field(max_length=32)
    file: str = Field(max_length=255)
    imported_by: str = Field(max_length=100)
    imported_at: datetime = Field(sa_type=sa.DateTime())


class Evidence(TableModel, table=True):
    """A file attached to an issue. The bytes live in the evidence store, named by their
    SHA-256, so the same photo attached twice is kept once and a changed file is a
    different file."""
    __tablename__ = "evidence"
    # Once per issue while attached; a file removed and attached again is a new row.
    __table_args__ = (sa.Index("uq_evidence_issue_file", "issue_id", "sha256", unique=True,
                               sqlite_where=sa.text("removed_at IS NULL"),
                               postgresql_where=sa.text("removed_at IS NULL")),)

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("issue.id"),
                                              nullable=False))
    sha256: str = Field(max_length=64)
    name: str = Field(max_length=255)          # the file's name when it was attached
    size: int = Field(sa_type=sa.BigInteger())
    media_type: str = Field(max_length=100)
    added_at: datetime = Field(sa_type=sa.DateTime())
    added_by: str = Field(max_length=100)
    # Taken back within a minute of attaching (services.evidence.remove_evidence): the
    # record stays, out of the issue's evidence.
    removed_at: datetime | None = Field(default=None, sa_type=sa.DateTime())
    removed_by: str | None = Field(default=None, max_length=100)


class EvidenceChunk(TableModel, table=True):
    """On a PostgreSQL database, the evidence files themselves in pieces of a megabyte
    (written and read a piece at a time, never a whole video in memory), so every desk
    reads what any desk attached. A single desk keeps its files beside its SQLite file."""
    __tablename__ = "evidence_chunk"

    sha256: str = Field(max_length=64, primary_key=True)
    seq: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    data: bytes = Field(sa_type=sa.LargeBinary())


class AmazonItemCode(TableModel, table=True):
    """Amazon's order-item code of a SKU on an order, which the All Orders report lacks
    and an Order Adjustment feed needs. Kept apart from order_item so an orders import
    never loses it; no foreign key, as a settlement can name an order not imported yet."""
    __tablename__ = "amazon_item_code"

    order_id: str = Field(sa_column=sa.Column(ORDER_ID, primary_key=True))
    sku: str = Field(max_length=64, primary_key=True)
    item_code: str = Field(max_length=32)


class CreditExport(TableModel, table=True):
    """A credit sent to Amazon in an Order Adjustment feed. Apart from the ledger, which
    never changes: being exported is a fact about a credit, not part of it."""
    __tablename__ = "credit_export"

    credit_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("credit.id"),
                                               primary_key=True))
    feed: str = Field(max_length=255)                 # the feed file's name
    exported_at: datetime = Field(sa_type=sa.DateTime())
    exported_by: str = Field(max_length=100)


class DeskSetting(TableModel, table=True):
    """The desk's own settings, shared by everyone on the database (the reply template)."""
    __tablename__ = "desk_setting"

    key: str = Field(max_length=64, primary_key=True)
    value: str = Field(sa_type=sa.Text())
    updated_by: str = Field(max_length=100)
    updated_at: datetime = Field(sa_type=sa.DateTime())


metadata = METADATA

class Settlement(TableModel, table=True):
    """A settlement report imported: its period and what Amazon paid out."""
    __tablename__ = "settlement"

    settlement_id: str = Field(max_length=32, primary_key=True)
    start_date: date | None = Field(default=None, sa_type=sa.Date())
    end_date: date | None = Field(default=None, sa_type=sa.Date())
    deposit_date: date | None = Field(default=None, sa_type=sa.Date())
    total_minor: int = Field(default=0, sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)
    file: str = Field(max_length=255)
    imported_at: datetime = Field(sa_type=sa.DateTime())
    imported_by: str = Field(max_length=100)


class SettlementRefund(TableModel, table=True):
    """One refund in a settlement, its lines added up (core.settlement.Refund). A settlement
    imported again replaces its refunds. No foreign key to orders: a settlement may name
    orders SellerDesk has not seen."""
    __tablename__ = "settlement_refund"
    __table_args__ = (sa.Index("ix_settlement_refund_order", "order_id"),)

    settlement_id: str = Field(sa_column=sa.Column(
        sa.String(32), sa.ForeignKey("settlement.settlement_id"), primary_key=True))
    order_id: str = Field(sa_column=sa.Column(ORDER_ID, primary_key=True))
    adjustment_id: str = Field(max_length=64, primary_key=True)
    posted: date = Field(sa_type=sa.Date())
    currency: str = Field(max_length=3)
    refunded_minor: int = Field(sa_type=sa.BigInteger)
    fee_kept_minor: int = Field(sa_type=sa.BigInteger)
    fee_returned_minor: int = Field(sa_type=sa.BigInteger)
    credit_ids: str = Field(default="", max_length=255)   # "12 13": named by feed item ids
    transaction: str = Field(default="Refund", max_length=64)


class OrderReturn(TableModel, table=True):
    """A return from the Returns report or the FBA customer returns report (core.returns).
    Imported again, a return is refreshed, not doubled. No foreign key to orders: a returns
    report may come before the orders report that has its order."""
    __tablename__ = "order_return"

    # Keyed by order first: the order pane reads an order's returns by the key itself,
    # and an import writes one index, not two. A return never moves to another order.
    order_id: str = Field(sa_column=sa.Column(ORDER_ID, primary_key=True))
    source: str = Field(max_length=16, primary_key=True)      # returns | fba-returns
    return_key: str = Field(max_length=160, primary_key=True)
    requested_on: date = Field(sa_type=sa.Date())
    quantity: int
    sku: str = Field(max_length=64)
    reason: str = Field(max_length=100)
    status: str = Field(max_length=64)
    outcome: str = Field(max_length=100)
    currency: str | None = Field(default=None, max_length=3)
    refunded_minor: int | None = Field(default=None, sa_type=sa.BigInteger)
    atoz_claim: bool
    file: str = Field(max_length=255)
    imported_at: datetime = Field(sa_type=sa.DateTime())



class MailMessage(TableModel, table=True):
    """A mail from the seller's mailbox (a buyer's message, Amazon's notice, or mail the
    desk could not place), or a reply the desk sent. Known by its Message-ID, so a sync
    run twice, or on two desks, keeps each mail once. What can name the buyer (subject,
    sender, body) is sealed per cell, bound to the Message-ID, and purged on time; the
    record of when it came and what it did to the clocks stays."""
    __tablename__ = "mail_message"
    __table_args__ = (sa.Index("ix_mail_issue", "issue_id", "written_at"),
                      sa.Index("ix_mail_order", "order_id"),
                      sa.Index("ix_mail_kind", "kind", "issue_id"),
                      sa.Index("ix_mail_key", "key_id"))

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=300, unique=True)
    direction: str = Field(max_length=3)            # in | out
    kind: str = Field(max_length=24)                # core.mail.notifications' kinds, reply
    account: str = Field(default="", max_length=300)  # login@host it was read from
    folder: str = Field(default="", max_length=200)
    uidvalidity: int | None = Field(default=None, sa_type=sa.BigInteger)
    uid: int | None = Field(default=None, sa_type=sa.BigInteger)
    written_at: datetime = Field(sa_type=sa.DateTime())   # the mail's own time
    fetched_at: datetime = Field(sa_type=sa.DateTime())
    order_id: str | None = Field(default=None, sa_column=sa.Column(ORDER_ID, nullable=True))
    issue_id: int | None = Field(default=None, sa_column=sa.Column(
        sa.Integer, sa.ForeignKey("issue.id"), nullable=True))
    marketplace: str = Field(default="", max_length=8)
    buyer_ref: str | None = Field(default=None, max_length=64)   # keyed, like issue.buyer_ref
    in_reply_to: str | None = Field(default=None, max_length=300)
    thread: str = Field(default="", sa_type=sa.Text())    # References:, space-separated
    trusted: bool = Field(default=False)
    note: str = Field(default="", max_length=500)   # why not trusted, what was malformed
    state: str = Field(default="", max_length=16)   # a reply: sending | sent | failed
    by: str = Field(default="", max_length=100)     # who sent it, or who placed it
    attachments: int = Field(default=0)
    key_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    sealed_subject: bytes | None = Field(default=None, sa_column=sa.Column(SealedBytes()))
    sealed_sender: bytes | None = Field(default=None, sa_column=sa.Column(SealedBytes()))
    sealed_body: bytes | None = Field(default=None, sa_column=sa.Column(SealedBytes()))
    purged_at: datetime | None = Field(default=None, sa_type=sa.DateTime())


class MailFolder(TableModel, table=True):
    """How far each watched folder has been read: a sync resumes after `last_uid`, and a
    folder rebuilt on the server (a new UIDVALIDITY) is read again from the start."""
    __tablename__ = "mail_folder"

    account: str = Field(max_length=300, primary_key=True)
    folder: str = Field(max_length=200, primary_key=True)
    uidvalidity: int = Field(sa_type=sa.BigInteger)
    last_uid: int = Field(default=0, sa_type=sa.BigInteger)
    synced_at: datetime = Field(sa_type=sa.DateTime())


class MailLease(TableModel, table=True):
    """On a team database, which desk fetches the team's mailbox: one at a time, and a
    lease not renewed (a desk closed or gone) passes to the next desk that asks."""
    __tablename__ = "mail_lease"

    name: str = Field(max_length=50, primary_key=True)
    holder: str = Field(max_length=200)
    expires_at: datetime = Field(sa_type=sa.DateTime())


STAFF = Staff.__table__
ISSUES = Issue.__table__
TIMELINE = TimelineEvent.__table__
CLOCK_RUNS = ClockRun.__table__
CREDITS = Credit.__table__
APPROVALS = ApprovalRequest.__table__
SETTINGS = DeskSetting.__table__
DEFECTS = Defect.__table__
AMAZON_ODR = AmazonOdr.__table__
EVIDENCE = Evidence.__table__
EVIDENCE_CHUNKS = EvidenceChunk.__table__
ITEM_CODES = AmazonItemCode.__table__
CREDIT_EXPORTS = CreditExport.__table__
SETTLEMENTS = Settlement.__table__
SETTLEMENT_REFUNDS = SettlementRefund.__table__
ORDER_RETURNS = OrderReturn.__table__
PERSONAL_DATA = PersonalData.__table__
SECURITY_EVENTS = SecurityEvent.__table__
TEAM_SECRETS = TeamSecret.__table__
ISSUE_CLAIMS = IssueClaim.__table__
MAIL_MESSAGES = MailMessage.__table__
MAIL_FOLDERS = MailFolder.__table__
MAIL_LEASES = MailLease.__table__

# A class declared on SQLModel itself would land on SQLModel's own metadata, missed by
# the migrations' check and the team copy: say so at once.
if SQLModel.metadata.tables:
    raise TypeError(f"{', '.join(SQLModel.metadata.tables)}: declare it on TableModel, "
                    "not SQLModel")
