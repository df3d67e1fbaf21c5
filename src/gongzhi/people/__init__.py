"""实有人口 / 户 / 单位: the registry of people, households and organisations (GB/T 31000)."""
