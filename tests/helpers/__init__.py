"""What many tests share: report files written as Amazon writes them, a team on the
session's PostgreSQL, staff with PINs, a keyring in a file for child processes, the
stand-in for Amazon's API and the documents it hands over, an order read back, what the
UI tests do at the window, and the child the crash tests kill. Tests import from here,
never from each other."""
