"""Temporary alias of gongzhi.cases.mediation.services for tests/points/test_one_door.py, which is
being moved with the points restructuring; delete this file once it imports the package path."""

from .mediation.services import *  # noqa: F403
from .mediation.services import (  # noqa: F401
    mediation_add_party,
    mediation_add_session,
    mediation_conclude,
    mediation_open,
)
