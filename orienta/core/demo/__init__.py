"""The demonstration data set (`load_demo`): data pools in `data`, builders in `build`."""

from orienta.core.demo.build import already_loaded, load
from orienta.core.demo.data import ACCOUNTS, PASSWORD, SITES

__all__ = ["ACCOUNTS", "PASSWORD", "SITES", "already_loaded", "load"]
