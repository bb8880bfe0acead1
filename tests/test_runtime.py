import json
import os
import subprocess
import sys
from pathlib import Path

from orienta.lib import runtime

ROOT = Path(__file__).resolve().parents[1]
PROBE = (
    "import gc, json, orienta.wsgi; print(json.dumps([gc.get_threshold(), gc.get_freeze_count()]))"
)


def test_loading_the_wsgi_application_settles_the_garbage_collector():
    """The server's entry point (as gunicorn's master loads it) freezes what it loaded and makes
    the collector run less often; a new process, whose collector starts as Python sets it."""
    env = os.environ | {"SECRET_KEY": "runtime-test", "ORIENTA_DEMO": "0"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    threshold, frozen = json.loads(done.stdout.strip().splitlines()[-1])
    assert tuple(threshold) == runtime.THRESHOLDS != (700, 10, 10)
    assert frozen > 10_000
