"""Where a generated data set's manifest lives: `var/bench/<database>.json`, next to the SQLite
file (or named after the PostgreSQL database). It records how the set was generated (persons,
seed, sites, years, counts, speed) and the ground truth: which pairs of records are one person."""

import json
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import connections

BENCH_DIR = Path(settings.BASE_DIR) / "var" / "bench"


def _label(engine: str, name: str) -> str:
    """`bench` for var/bench/bench.sqlite3, `orienta_bench` for a PostgreSQL database."""
    return Path(name).stem if engine.endswith("sqlite3") else name


def manifest_path(alias: str = "default") -> Path:
    """The manifest of the database Django is connected to."""
    config = connections[alias].settings_dict
    return BENCH_DIR / f"{_label(config['ENGINE'], str(config['NAME']))}.json"


def manifest_path_for(url: str) -> Path:
    """The manifest of the database at a DATABASE_URL (before Django connects to it)."""
    config = dj_database_url.parse(url)
    return BENCH_DIR / f"{_label(config['ENGINE'], str(config['NAME']))}.json"


def write_manifest(path: Path, manifest: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def read_manifest(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
