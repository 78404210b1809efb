"""Made-up data for trying SellerDesk: orders, weeks of work on them, returns, settlement
and feedback, written through the real importers and use cases. Only the CLI and the
window import it (an import-linter contract)."""
