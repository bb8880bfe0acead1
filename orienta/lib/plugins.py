"""How a lower app asks the apps above it for their part, without importing them.

An app takes part in a hook by having a module of the hook's name (`orienta/<app>/panels.py`,
`rights.py`, `tasks.py`, `retention.py`, `demo.py`, `indicators.py`…) that defines the
functions or constants the hook's owner documents in its own docstring. `app_modules(name)`
imports every installed app's module of that name, as Django's `autodiscover_modules` finds
each app's `admin.py`, and returns them in INSTALLED_APPS order; `hooks(name, attribute)` gives
the `attribute` of those that define it.
"""

import sys
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.utils.module_loading import autodiscover_modules, module_has_submodule


def _discover(name: str, failures: dict[str, str] | None) -> tuple[ModuleType, ...]:
    found = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, name):
            continue
        try:
            found.append(import_module(f"{config.name}.{name}"))
        except Exception as exc:
            if failures is None:
                raise
            failures[config.label] = f"{type(exc).__name__}: {exc}"
    return tuple(found)


@cache
def _discovered(name: str) -> tuple[ModuleType, ...]:
    autodiscover_modules(name)  # Django's discovery, as for admin.py: a broken module raises
    modules = (sys.modules.get(f"{config.name}.{name}") for config in apps.get_app_configs())
    return tuple(module for module in modules if module is not None)


def app_modules(name: str, *, failures: dict[str, str] | None = None) -> tuple[ModuleType, ...]:
    """Every installed app's module `name`, imported, in INSTALLED_APPS order.

    A module that fails to import raises, unless `failures` is given: then the app's label and
    the error are put there and the other apps' modules are still returned (for scheduled work
    that must go on, such as retention).
    """
    if failures is None:
        return _discovered(name)
    return _discover(name, failures)


def hooks(name: str, attribute: str) -> list[Any]:
    """`attribute` of every app module `name` that defines it, in INSTALLED_APPS order."""
    return [
        getattr(module, attribute) for module in app_modules(name) if hasattr(module, attribute)
    ]
