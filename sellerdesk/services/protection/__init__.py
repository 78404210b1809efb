"""Keeping the desk's data safe: secrets in the OS keyring or the sealed key file, the
keys that seal buyer personal data, supervisors' PINs, the security log, the purge, and
backups with their restore; housekeeping runs the purge and the daily backup by itself."""
