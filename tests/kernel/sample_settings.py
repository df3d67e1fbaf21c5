"""Settings with one more app: proves an app plugs in with one INSTALLED_APPS line."""

from gongzhi.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.kernel.sample_app"]  # noqa: F405
