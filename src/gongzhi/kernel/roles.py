"""The roles a user holds in an area. Every app names roles from here; which role may do what is
each app's rules.py."""

from django.db import models


class Role(models.TextChoices):
    RESIDENT = "resident", "居民"
    GRID_WORKER = "grid_worker", "网格员"
    VILLAGE_STAFF = "village_staff", "村(社区)综治中心"
    TOWN_STAFF = "town_staff", "镇(街道)综治中心"
    COUNTY_STAFF = "county_staff", "县综治中心"
    CITY_STAFF = "city_staff", "市综治中心"
    DEPT_STAFF = "dept_staff", "职能部门"
    MEDIATOR = "mediator", "调解员"
    AUDITOR = "auditor", "审计员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"


# Roles that run a 综治中心 at some level (staff pages, area management).
CENTRE_ROLES = (Role.VILLAGE_STAFF, Role.TOWN_STAFF, Role.COUNTY_STAFF, Role.CITY_STAFF)
# Everyone who works cases or the registry for a living (not residents, auditors or sysadmins).
STAFF_ROLES = (
    Role.GRID_WORKER,
    Role.VILLAGE_STAFF,
    Role.TOWN_STAFF,
    Role.COUNTY_STAFF,
    Role.CITY_STAFF,
    Role.DEPT_STAFF,
    Role.MEDIATOR,
)
# Grid workers and 综治中心 staff: who reads an area's registry, points and boards.
AREA_STAFF_ROLES = (Role.GRID_WORKER, *CENTRE_ROLES)
# 三员 (GB/T 22239-2019 level 3): system, audit and security administrators, kept apart. One
# person holds at most one of them; none of them reads personal data.
ADMIN_ROLES = (Role.SYSADMIN, Role.AUDITOR, Role.SECURITY_ADMIN)
