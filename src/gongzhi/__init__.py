"""Gongzhi (共治): the system of record for grassroots social governance."""
