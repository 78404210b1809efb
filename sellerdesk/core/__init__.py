"""Plain-Python domain: no Qt, no SQL. Everything here is tested on its own."""
