"""What every app's API routes share: the error shapes and the pagination (the assembly of the
API, with its authentication, is orienta/api/v1.py, above the apps)."""
