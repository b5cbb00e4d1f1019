"""Tools for developing the app, shared by tests/ and bench/; the app itself never imports them."""
