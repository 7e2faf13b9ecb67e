"""Local engines end with the run: registry order, signal handling (in child processes), deferral while starting."""

import signal
import subprocess
import sys
import textwrap

import pytest

from synthetic_intelligence.core.engines import lifecycle


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch):
    """A registry of its own, so close_all() here never stops the session's H2O cluster."""
    monkeypatch.setattr(lifecycle, "_closers", {})
    monkeypatch.setattr(lifecycle, "_previous", {})


def test_close_all_runs_each_closer_once_newest_first_and_survives_errors(caplog):
    calls = []
    lifecycle.register("h2o:a", lambda: calls.append("a"))
    lifecycle.register("spark:b", lambda: (calls.append("b"), 1 / 0))
    lifecycle.register("h2o:c", lambda: calls.append("c"))
    lifecycle.close("h2o:c")
    lifecycle.close("h2o:c")
    lifecycle.close_all()
    lifecycle.close_all()
    assert calls == ["c", "b", "a"]
    assert "Stopping spark:b failed: division by zero" in caplog.text


def test_handlers_are_installed_while_something_is_registered_and_restored_after():
    before = signal.getsignal(signal.SIGTERM)
    lifecycle.register("h2o:x", lambda: None)
    assert signal.getsignal(signal.SIGTERM) is lifecycle._handle
    lifecycle.close_all()
    assert signal.getsignal(signal.SIGTERM) is before


def _child(body: str) -> subprocess.CompletedProcess:
    code = textwrap.dedent("""
        import os, signal, sys, time
        from synthetic_intelligence.core.engines import lifecycle
        def closer(name):
            return lambda: print("closed", name, flush=True)
    """) + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False,
                          preexec_fn=_default_signals)


def _default_signals() -> None:
    """The child starts with default SIGINT/SIGHUP even when pytest runs under nohup or as a background job
    (which ignore them and would hand that on), so each test sets the dispositions it is about."""
    for sig in (signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_terminating_signal_stops_engines_then_exits_128_plus_signal(sig):
    out = _child(f"""
        lifecycle.register("h2o:one", closer("one"))
        lifecycle.register("spark:two", closer("two"))
        os.kill(os.getpid(), {int(sig)})
        time.sleep(5)
        print("not reached")
    """)
    assert out.returncode == 128 + sig, out.stderr
    assert out.stdout.split() == ["closed", "two", "closed", "one"]


def test_signal_while_starting_is_deferred_until_the_engine_is_registered():
    out = _child("""
        with lifecycle.starting():
            os.kill(os.getpid(), signal.SIGTERM)  # arrives while the JVM is half started
            time.sleep(0.2)
            print("registered", flush=True)
            lifecycle.register("h2o:late", closer("late"))
        print("not reached")
    """)
    assert out.returncode == 143, out.stderr
    assert out.stdout.split() == ["registered", "closed", "late"]


def test_ctrl_c_while_starting_is_deferred_then_raises_keyboard_interrupt():
    out = _child("""
        try:
            with lifecycle.starting():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.2)
                lifecycle.register("h2o:late", closer("late"))
                print("registered", flush=True)
        except KeyboardInterrupt:
            lifecycle.close_all()
            sys.exit(130)
    """)
    assert out.returncode == 130, out.stderr
    assert out.stdout.split() == ["registered", "closed", "late"]


def test_ignored_sighup_stays_ignored_under_nohup():
    out = _child("""
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        lifecycle.register("h2o:x", closer("x"))
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(0.2)
        print("still running", flush=True)
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["still", "running", "closed", "x"]  # closed at exit (atexit)
