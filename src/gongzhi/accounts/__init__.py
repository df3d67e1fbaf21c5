"""Users, roles granted in an area, departments, login security and API tokens."""
