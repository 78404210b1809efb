"""Every Seller Central file that comes in: each report read by its header names, checked
row by row, and written in one transaction; the watched folder that brings them."""
