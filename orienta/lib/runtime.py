"""The interpreter's cyclic garbage collector, set for a process that answers many requests.

By default Python looks for reference cycles every 700 new container objects, and every
hundred such looks it walks every object the process holds. A page makes tens of thousands of
containers (querysets, model instances, template contexts), nearly all freed at once by
reference counting, so the collector ran dozens of times a request and its full walks, through
the whole of Django and Orienta loaded in memory, took about 7 % of the CPU of the test suite.

`settle()`, once the code is loaded (`orienta.wsgi`, in gunicorn's master before it forks; the test
runner after collecting the tests): what is loaded so far is moved out of the collector's sight
(`gc.freeze`, which also keeps those pages shared between gunicorn's forked workers), and the
youngest generation is looked at every 50,000 new containers. Cycles are still collected: a
worker holds at most a few megabytes more between two collections.
"""

import gc

THRESHOLDS = (50_000, 20, 20)


def settle() -> None:
    """Freeze what is loaded and collect less often (see the module's docstring)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
