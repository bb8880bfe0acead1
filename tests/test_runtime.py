import gc
import importlib

import orienta.wsgi
from orienta.lib import runtime


def test_loading_the_wsgi_application_settles_the_garbage_collector():
    """The server's entry point freezes what it loaded and makes the collector run less often
    (as the test runner does after collecting)."""
    default = (700, 10, 10)
    gc.unfreeze()
    gc.set_threshold(*default)
    try:
        importlib.reload(orienta.wsgi)
        assert gc.get_threshold() == runtime.THRESHOLDS != default
        assert gc.get_freeze_count() > 10_000
    finally:
        runtime.settle()
