"""Test harness shared by the apps' tests: the demo loaded once, the access matrix's runner,
the test clock. Used by `orienta/conftest.py` and the apps' `tests/` packages, never by the
product code."""
