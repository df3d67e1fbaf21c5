"""Who may do what with the registry: the one place these rules live."""

from gongzhi.kernel.roles import Role

# Read the registry of an area (lists, details, masked): grid workers and 综治中心 staff.
READ_ROLES = (Role.GRID_WORKER, Role.VILLAGE_STAFF, Role.TOWN_STAFF, Role.COUNTY_STAFF, Role.CITY_STAFF)
# Create and edit records, import workbooks.
WRITE_ROLES = READ_ROLES
# Reveal a full identifier (with a reason, audited). Grid workers call people, so they may see phones.
REVEAL_ROLES = {
    "id_number": (Role.VILLAGE_STAFF, Role.TOWN_STAFF, Role.COUNTY_STAFF, Role.CITY_STAFF),
    "phone": READ_ROLES,
}
# 违法犯罪记录 are criminal records (PIPL sensitive personal information): only 综治中心 staff of the
# village, town and county read or record them; grid workers and residents never do.
OFFENCE_ROLES = (Role.VILLAGE_STAFF, Role.TOWN_STAFF, Role.COUNTY_STAFF)
