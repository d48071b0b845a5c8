"""Settings of the e2e server of tests/e2e/test_resend.py: the project's settings plus a
test-only app that makes the server fail once on a marked idea (tests/e2e/faults.py)."""

from tests.e2e.settings_e2e import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.e2e.faults.FaultsConfig"]  # noqa: F405
