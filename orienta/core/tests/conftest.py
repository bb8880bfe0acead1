"""The probing test's counts are shown at the end of the run (every test's files go to its own
MEDIA_ROOT: orienta/conftest.py)."""

PROBES_KEY = "probes"


def pytest_runtest_logreport(report):
    """Collect the probe counts recorded by test_probing (also from xdist workers)."""
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name == PROBES_KEY:
            _PROBES.append(value)


_PROBES: list = []


def pytest_terminal_summary(terminalreporter):
    if not _PROBES:
        return
    terminalreporter.section("random-id probing")
    for line in sorted(_PROBES):
        terminalreporter.write_line(line)
