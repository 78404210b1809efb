"""The seller's mailbox: the account and its secret (account), signing in to IMAP and
SMTP over TLS and checking what is wrong in one sentence (connection), OAuth 2.0 for
Gmail and Microsoft 365 (oauth); fetching, matching and sending build on these."""
