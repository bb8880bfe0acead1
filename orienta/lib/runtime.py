"""The interpreter's cyclic garbage collector, set for a process that answers many requests.

By default Python looks for reference cycles every 700 new container objects, and about every
hundredth look walks every object the process holds. A page makes a great many
containers (querysets, model instances, template contexts), nearly all freed at once by
reference counting, so the collector kept running during each request, and its full walks went
through the whole of Django and Orienta loaded in memory: 6.8 % of the CPU of the cases' and
referrals' access tests and the demo's load (timed with `gc.callbacks`), 3.0 % after this.

`settle()`, once the code is loaded (`orienta.wsgi`, in gunicorn's master before it forks; the
test runner after collecting the tests): what is loaded so far is moved out of the collector's
sight (`gc.freeze`, which also keeps those pages shared between gunicorn's forked workers), and
the youngest generation is looked at every 50,000 new containers. Cycles are still collected,
later: a process holds somewhat more memory between two collections (the test processes' peak,
507 MiB against 488).
"""

import gc

THRESHOLDS = (50_000, 20, 20)


def settle() -> None:
    """Freeze what is loaded and collect less often (see the module's docstring)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
