"""The demo's sign-in page tells how to get a two-factor code with a command that works."""

import os
import re
import subprocess
from html import unescape
from pathlib import Path

from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


def test_the_demo_code_hint_gives_a_command_that_works_as_typed(settings, db):
    settings.DEMO = True
    page = Client().get("/login/", headers={"Accept-Language": "fr"}).text
    command = unescape(re.search(r'class="hint demo-otp">.*?<code>(.+?)</code>', page).group(1))
    # A fresh terminal in the project folder: no secret, no demo mode set beforehand.
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ORIENTA_DEMO")}

    result = subprocess.run(
        command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d{6}\n", result.stdout)
