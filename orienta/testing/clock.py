"""The test clock: every test starts at the same instant of a working morning.

The sites keep their own calendars (N'Djamena UTC+1, Maputo UTC+2, Bissau UTC+0) while the
database keeps UTC; a test that reads "today" must not depend on when the suite runs (just
before midnight UTC it is already tomorrow in Maputo). At `MORNING` the date is the same in UTC
and at every site, the offices are open, and the week is in its middle.
"""

from datetime import UTC, datetime, timedelta

import time_machine

# Wednesday 11 March 2026, 08:30 UTC: 09:30 in N'Djamena, 10:30 in Maputo, 08:30 in Bissau.
MORNING = datetime(2026, 3, 11, 8, 30, tzinfo=UTC)
# Shared data sets (the demo…) are loaded an hour earlier: what they record is in the past.
LOADED_AT = MORNING - timedelta(hours=1)


def travel(destination: datetime = MORNING, *, tick: bool = True) -> time_machine.travel:
    """The clock moved to `destination`; it runs on from there unless tick=False."""
    return time_machine.travel(destination, tick=tick)
