"""SellerDesk: a customer-service desk for Amazon sellers."""

__version__ = "0.1.0"
APP_NAME = "SellerDesk"
