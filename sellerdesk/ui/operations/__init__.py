"""The one place where the window starts a write (Anki's `aqt/operations` is the model).

Importing a report, logging an issue, giving a credit, deciding an approval, backing up,
restoring and syncing each run here, off the GUI thread, one at a time per window: SQLite
has one writer, and a second write started while the first runs would wait on it for up
to the busy timeout, freezing whatever waited. While one runs, every action that would
write says why it waits (`Operations.busy`) instead of starting. Each reports success or
a sentence; the window shows them.

- `runner`: the queue of one (`Operations`), its progress dialog and its reports;
- `imports`: a report file, a watched folder's file, a sync with Amazon, demo data;
- `records`: an issue logged and a credit given, an approval decided (with a PIN asked
  for when the decision needs one);
- `backups`: a backup made, a backup restored, a ledger file written or checked.
"""

from sellerdesk.ui.operations.runner import Operations

__all__ = ["Operations"]
