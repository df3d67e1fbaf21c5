"""Who may do what in the 积分制; one place, read by services, pages and the API."""

from gongzhi.kernel.roles import Role

# Staff roles that read accounts, ledgers, declarations and boards of their areas.
READ_ROLES = (Role.GRID_WORKER, Role.VILLAGE_STAFF, Role.TOWN_STAFF, Role.COUNTY_STAFF, Role.CITY_STAFF)
# 审核 declarations: the grid worker of the grid, or the village's staff (and centres above).
REVIEW_ROLES = (Role.GRID_WORKER, Role.VILLAGE_STAFF, Role.TOWN_STAFF)
# Decide appeals against deductions: the village (or the town above it).
APPEAL_ROLES = (Role.VILLAGE_STAFF, Role.TOWN_STAFF)
# The county catalogue, its bounds and the award mappings.
COUNTY_CATALOGUE_ROLES = (Role.COUNTY_STAFF, Role.CITY_STAFF)
# A village's own items and adjustments.
VILLAGE_CATALOGUE_ROLES = (Role.VILLAGE_STAFF,)
# Run a 积分超市: rewards, stock, pickup, cancellation.
SHOP_ROLES = (Role.VILLAGE_STAFF, Role.TOWN_STAFF)
# Honours, 法治家庭, 红黑榜 and corrections of the ledger.
HONOUR_ROLES = (Role.VILLAGE_STAFF, Role.TOWN_STAFF, Role.COUNTY_STAFF)
CORRECTION_ROLES = (Role.VILLAGE_STAFF, Role.TOWN_STAFF, Role.COUNTY_STAFF)
# Default roles allowed to award or deduct an item directly, when the item names none.
DEFAULT_AWARD_ROLES = (Role.GRID_WORKER, Role.VILLAGE_STAFF)

# Days a reviewer has to decide a declaration.
REVIEW_DAYS = 7
