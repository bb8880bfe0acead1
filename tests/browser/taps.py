"""Counting an agent's taps in a browser journey: every click on a link or a button, every box
ticked and every choice made in a select counts one; typing does not."""

from dataclasses import dataclass, field

from playwright.sync_api import Locator, Page


@dataclass
class Taps:
    page: Page
    log: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.log)

    def _locator(self, target: str | Locator) -> Locator:
        return self.page.locator(target) if isinstance(target, str) else target

    def click(self, target: str | Locator, what: str = "") -> None:
        """A tap on a link or a button."""
        self.log.append(what or str(target))
        self._locator(target).click()

    def check(self, target: str | Locator, what: str = "") -> None:
        """A tap on a checkbox or a radio button."""
        self.log.append(what or str(target))
        self._locator(target).check()

    def select(self, target: str | Locator, value: str, what: str = "") -> None:
        """A choice in a select (opening it and picking counts as one tap)."""
        self.log.append(what or f"{target}={value}")
        self._locator(target).select_option(value)
