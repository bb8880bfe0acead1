"""Signing in and staying signed in safely: two-factor codes, lockout, session limits.

Core owns users and roles; this app owns what protects their accounts: the sign-in page and
the pages under /account/ (two-factor enrolment and verification, re-authentication, password
change; `urls.py`, namespace `accounts`), the API's token route (`api.py`), the lockout answer,
the password hasher (`hashers.py`), the middleware that enforces session limits and two-factor
(`middleware.py`), the re-authentication decorator (`reauth.py`), the table of each user's
sessions (`UserSession`) and the services that end them (`services.py`), and the users' admin.
"""
