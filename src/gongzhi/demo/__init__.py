"""The demo county: 沙洋县 with its real areas, grids, departments and one account per role."""
