"""The fault-injection suite's report: one line per ``chaos`` case at the end of the session.

A case is a test marked ``@pytest.mark.chaos("what is broken")``.  A case that uses the
``chaos`` fixture says what it found (a process left running, data lost); the verdict is

- ``survived``: the test passed and found nothing left or lost;
- ``LEFT BEHIND`` (a process or a temporary folder) / ``LOST DATA``: what the case found (the test
  then fails);
- ``FAILED``: the test failed otherwise (its first error line); ``skipped``: why.

Run the suite with ``make chaos`` (``pytest -m chaos``); the cases also run in ``make test``.
"""

from __future__ import annotations

import pytest

_verdicts: list[tuple[str, str]] = []


class Chaos:
    """What a chaos case found; :meth:`check` fails the test if anything was left or lost."""

    def __init__(self) -> None:
        self.left: list[str] = []
        self.lost: list[str] = []

    def left_behind(self, what: str) -> None:
        """A process (or temporary folder) outlived the case."""
        self.left.append(what)

    def lost_data(self, what: str) -> None:
        """A version that should load does not, or a partial one is picked as latest."""
        self.lost.append(what)

    def check(self) -> None:
        problems = [f"left behind: {w}" for w in self.left] + [f"lost data: {w}" for w in self.lost]
        assert not problems, "; ".join(problems)


@pytest.fixture
def chaos(request) -> Chaos:
    found = Chaos()
    request.node._chaos = found
    return found


def _verdict(item, report) -> str:
    found = getattr(item, "_chaos", None)
    if found is not None and found.left:
        return "LEFT BEHIND: " + "; ".join(found.left)
    if found is not None and found.lost:
        return "LOST DATA: " + "; ".join(found.lost)
    if report.passed:
        return "survived"
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return f"skipped: {reason}"
    crash = getattr(report.longrepr, "reprcrash", None)
    message = (crash.message if crash is not None else str(report.longrepr)).strip().splitlines()
    return "FAILED: " + (message[0][:160] if message else "?")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ARG001 - pytest's hook signature
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("chaos")
    if marker is None or not (report.when == "call" or (report.when == "setup" and not report.passed)):
        return
    case = marker.args[0] if marker.args else item.name
    params = getattr(getattr(item, "callspec", None), "id", None)
    _verdicts.append((f"{case}" + (f" [{params}]" if params else ""), _verdict(item, report)))


def pytest_terminal_summary(terminalreporter) -> None:
    if not _verdicts:
        return
    terminalreporter.section("chaos: one line per fault injected")
    width = max(len(case) for case, _ in _verdicts)
    for case, verdict in _verdicts:
        terminalreporter.write_line(f"{case:<{width}}  {verdict}")
