"""Who and what the demo county holds. Codes are real national codes of 沙洋县."""

COUNTY = "420822"  # 沙洋县, 荆门市, 湖北省
GAOYANG = "420822110"  # 高阳镇
HEJI = "420822110209"  # 贺集村, under 高阳镇
JISHAN = "420822103"  # 纪山镇
GUODIAN = "420822103206"  # 郭店村, under 纪山镇
GRIDS_PER_VILLAGE = 3
MICROGRIDS_PER_GRID_IN_HEJI = 4

# Demo password: meets the policy; printed by `make demo` and only ever in demo mode.
PASSWORD = "Demo#Grid2468"

DEPARTMENTS = [
    # (area, name, kind)
    (GAOYANG, "高阳镇派出所", "police"),
    (GAOYANG, "高阳镇司法所", "justice"),
    (GAOYANG, "高阳人民法庭", "court"),
    (GAOYANG, "高阳镇民政办", "civil"),
    (COUNTY, "沙洋县公安局", "police"),
    (COUNTY, "沙洋县司法局", "justice"),
    (COUNTY, "沙洋县人民法院", "court"),
    (COUNTY, "沙洋县民政局", "civil"),
    (COUNTY, "沙洋县信访局", "petition"),
    (JISHAN, "纪山镇派出所", "police"),
    (JISHAN, "纪山镇司法所", "justice"),
]

# (username, full name, role, area code, department name or None)
ACCOUNTS = [
    ("resident_heji", "李秀英", "resident", HEJI + "001", None),
    ("wgy_heji", "王建国", "grid_worker", HEJI + "001", None),
    ("wgy_heji2", "张丽", "grid_worker", HEJI + "002", None),
    ("heji_staff", "刘德明", "village_staff", HEJI, None),
    ("mediator_heji", "陈长林", "mediator", HEJI, None),
    ("gaoyang_staff", "赵海燕", "town_staff", GAOYANG, None),
    ("sfs_gaoyang", "孙志强", "dept_staff", GAOYANG, "高阳镇司法所"),
    ("guodian_staff", "周红梅", "village_staff", GUODIAN, None),
    ("shayang_staff", "吴俊", "county_staff", COUNTY, None),
    ("jingmen_staff", "郑国华", "city_staff", "4208", None),
    ("auditor", "冯静", "auditor", COUNTY, None),
    ("sysadmin", "何伟", "sysadmin", COUNTY, None),
    ("secadmin", "钱敏", "security_admin", COUNTY, None),
]

# Synthetic registry (`seed_demo --persons N`): people by default, and the seed that makes it
# the same every time.
PERSONS = 20_000
PEOPLE_SEED = 2026

# Synthetic cases (`seed_demo --cases N`): a year of 事件 in the county, and their seed.
CASES = 6_000
CASES_SEED = 2027
