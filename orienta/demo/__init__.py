"""The demonstration data set (`manage.py load_demo`): data pools in `data`, builders in `build`.

A project-level app: it composes the registry's and visits' demo (here) with each app's
`orienta/<app>/demo.py`, so it sits above every domain app and nothing below imports it.
"""
