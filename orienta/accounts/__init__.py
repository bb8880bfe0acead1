"""Signing in and staying signed in safely: two-factor codes, lockout, session limits.

Core owns users and roles; this app owns what protects their accounts: the pages under
/account/ (two-factor enrolment and verification, re-authentication, password change), the
sign-in page, the lockout answer, and the table of each user's sessions (`UserSession`).
The middleware that enforces all this lives in `orienta/core/middleware.py`, the services that
end sessions in `orienta/core/services.py`, the re-authentication decorator in
`orienta/core/reauth.py`.
"""
