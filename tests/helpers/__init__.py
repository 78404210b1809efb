"""What many tests share: report files written as Amazon writes them, a team on the
session's PostgreSQL, staff with PINs, a keyring in a file for child processes, the
stand-in for Amazon's API, and the child the crash tests kill."""
