"""Messages of Django and the libraries it loads that their Portuguese catalogues do not translate.

Django looks a message missing from the active language's catalogues up in the default
language's, French here: a Portuguese page showed "- Choisir une option -" in every optional
select (Django 6.1's new blank choice, "- Select an option -"). Listed here, these messages
enter our catalogues, which take precedence, and get their Portuguese (and French, and English)
text. Nothing imports this module; `make messages` reads it.

`test_no_portuguese_message_falls_back_to_french` (core/tests/test_translations.py) lists any
message a new version of a library brings without a Portuguese translation: add it here.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

DJANGO = (
    gettext_noop("- Select an option -"),
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    gettext_noop(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be "
        "ambiguous or it may not exist."
    ),
    gettext_noop("Constraint “%(name)s” is violated."),
    gettext_noop("Empty list and “%(class_name)s.allow_empty” is False."),
    gettext_noop(
        "Ensure this value is a multiple of step size %(limit_value)s, starting from "
        "%(offset)s, e.g. %(offset)s, %(valid_value1)s, %(valid_value2)s, and so on."
    ),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_noop(
        "Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens."
    ),
    gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
    gettext_noop("Invalid date string “%(datestr)s” given format “%(format)s”"),
    gettext_noop(
        "ManagementForm data is missing or has been tampered with. Missing fields: "
        "%(field_names)s. You may need to file a bug report if the issue persists."
    ),
    gettext_noop("No %s matches the given query."),
    gettext_noop("Page is not “last”, nor can it be converted to an int."),
    gettext_noop("Positive big integer"),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop("“%(value)s” is not a valid UUID."),
    gettext_noop("“%(value)s” is not a valid binary value."),
    gettext_noop(
        "“%(value)s” value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format."
    ),
    gettext_noop(
        "“%(value)s” value has an invalid format. It must be in [DD] [[HH:]MM:]ss[.uuuuuu] format."
    ),
    gettext_noop(
        "“%(value)s” value has the correct format (HH:MM[:ss[.uuuuuu]]) but it is an invalid time."
    ),
    gettext_noop("“%(value)s” value must be a decimal number."),
    gettext_noop("“%(value)s” value must be a float."),
    gettext_noop("“%(value)s” value must be an integer."),
    gettext_noop("“%(value)s” value must be either None, True or False."),
    # Languages
    gettext_noop("Haitian Creole"),
    gettext_noop("Kyrgyz"),
    gettext_noop("Malay"),
    gettext_noop("Turkmen"),
    gettext_noop("Uyghur"),
    gettext_noop("Uzbek"),
    # Task statuses
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Successful"),
    # The CSRF failure page (replaced by ours, orienta/templates/403_csrf.html)
    gettext_noop(
        'If you are using the <meta name="referrer" content="no-referrer"> tag or including '
        "the “Referrer-Policy: no-referrer” header, please remove them. The CSRF protection "
        "requires the “Referer” header to do strict referer checking. If you’re concerned about "
        'privacy, use alternatives like <a rel="noreferrer" …> for links to third-party sites.'
    ),
    gettext_noop(
        "If you have configured your browser to disable cookies, please re-enable them, at least "
        "for this site, or for “same-origin” requests."
    ),
    gettext_noop(
        "If you have configured your browser to disable “Referer” headers, please re-enable them, "
        "at least for this site, or for HTTPS connections, or for “same-origin” requests."
    ),
    gettext_noop(
        "You are seeing this message because this HTTPS site requires a “Referer header” to be "
        "sent by your web browser, but none was sent. This header is required for security "
        "reasons, to ensure that your browser is not being hijacked by third parties."
    ),
)

DJANGO_ADMIN_AND_AUTH = (
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Logout"),
    gettext_noop('The app "%s" could not be found.'),
    gettext_noop(
        "Enter a valid username. This value may contain only unaccented lowercase a-z and "
        "uppercase A-Z letters, numbers, and @/./+/-/_ characters."
    ),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, "
        "they may still be able to authenticate using other backends, such as Single Sign-On or "
        "LDAP."
    ),
)

DJANGO_AXES = (
    gettext_noop("Access lock out"),
    gettext_noop(
        "Account locked: too many login attempts. Contact an admin to unlock your account."
    ),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("User Agent"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access logs"),
)
