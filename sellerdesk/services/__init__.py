"""Use cases without Qt: importers, demo data, paths. The window and the CLI call these."""
