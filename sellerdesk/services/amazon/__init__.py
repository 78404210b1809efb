"""The only code that talks to Amazon: Login with Amazon and SP-API (Orders, Reports)
through python-amazon-sp-api, and Sync, which brings what it fetches in through the
importers."""
