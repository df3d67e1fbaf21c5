"""Synthetic but plausible Chinese names and mobile numbers for the demo registry."""

import random

# Surname frequencies (per mille, rounded) of the national census tables, with Hubei's 熊 易 龚 万
# a little heavier; enough of the tail that a village does not look like twelve families.
SURNAMES = {
    "王": 71, "李": 70, "张": 69, "刘": 54, "陈": 46, "杨": 31, "黄": 26, "赵": 23, "吴": 20, "周": 19,
    "徐": 16, "孙": 15, "马": 15, "朱": 13, "胡": 13, "郭": 12, "何": 12, "高": 11, "林": 11, "罗": 10,
    "郑": 9, "梁": 9, "谢": 8, "宋": 8, "唐": 8, "许": 7, "韩": 7, "冯": 7, "邓": 7, "曹": 7,
    "彭": 6, "曾": 6, "肖": 6, "田": 6, "董": 5, "袁": 5, "潘": 5, "于": 5, "蒋": 5, "蔡": 5,
    "余": 5, "杜": 5, "叶": 4, "程": 4, "苏": 4, "魏": 4, "吕": 4, "丁": 4, "任": 4, "沈": 4,
    "姚": 4, "卢": 4, "姜": 4, "崔": 3, "钟": 3, "谭": 3, "陆": 3, "汪": 3, "范": 3, "金": 3,
    "石": 3, "廖": 3, "贾": 3, "夏": 3, "付": 3, "方": 3, "白": 3, "邹": 3, "孟": 3, "熊": 4,
    "秦": 3, "邱": 3, "江": 3, "尹": 3, "薛": 2, "闫": 2, "段": 2, "雷": 2, "侯": 2, "龙": 2,
    "史": 2, "陶": 2, "黎": 2, "贺": 3, "顾": 2, "毛": 2, "郝": 2, "龚": 3, "邵": 2, "万": 3,
    "钱": 2, "严": 2, "易": 3, "武": 2, "戴": 2, "孔": 2, "向": 2, "汤": 2, "聂": 2, "鲁": 2,
}  # fmt: skip

# Given names by birth cohort and gender: the fashions of each generation differ sharply.
_GIVEN = {
    ("1", 1960): "建国 国华 德明 长林 志强 文华 金山 富贵 德胜 永福 国庆 桂林 家旺 学文 明亮 春生 德才 "
    "少华 有才 正清 振华 光明 立新 跃进 国栋 汉清 洪 福 贵 林 华 山 明 忠 清 发 海 昌",
    ("2", 1960): "秀英 桂英 秀兰 玉兰 桂兰 淑珍 凤英 玉珍 秀珍 桂芳 翠英 兰英 春梅 菊香 金花 银花 冬梅 "
    "月娥 秀云 桂香 玉梅 凤兰 英 兰 珍 芳 梅 莲",
    ("1", 1980): "建华 建军 国强 卫东 红军 志勇 海波 文斌 建平 红兵 新华 小平 国平 立军 卫国 永红 春林 "
    "德华 华平 志刚 建新 勇 军 伟 斌 刚 兵 平 涛 波 锋 辉 俊",
    ("2", 1980): "红梅 丽华 海燕 丽萍 春燕 秀梅 小红 建英 红霞 美华 晓红 桂珍 艳华 丽君 金凤 丽 芳 静 "
    "艳 霞 红 燕 玲 慧 琴 凤 莉 萍",
    ("1", 2000): "俊杰 志鹏 文杰 晓东 海峰 建波 鹏飞 天宇 家豪 志伟 晓明 国栋 振宇 明杰 伟 磊 涛 鹏 强 "
    "杰 浩 超 俊 亮 晨 飞 鑫 帅 凯 宇 旭 阳 龙",
    ("2", 2000): "丽娟 婷婷 丹丹 莉莉 晓燕 晓丽 文静 雅琴 思思 小芳 佳琪 梦瑶 雪梅 婷 敏 燕 娟 倩 静 "
    "欣 洁 雪 晶 琳 佳 颖 露 瑶 蕾",
    ("1", 9999): "子轩 浩然 宇轩 一鸣 俊杰 博文 皓轩 梓豪 子豪 宇航 奕辰 浩宇 子墨 沐阳 梓睿 锦程 宇泽 "
    "晨阳 俊熙 天佑 子睿 嘉懿 思远 铭 昊 睿 然",
    ("2", 9999): "欣怡 梓涵 诗涵 雨涵 子涵 可馨 一诺 思涵 语桐 梓萱 雨萱 佳怡 若曦 芷若 紫涵 雨彤 欣悦 "
    "梦琪 可欣 诗琪 依诺 梓琪 安琪 悦 萱 瑶",
}
GIVEN = {key: text.split() for key, text in _GIVEN.items()}
_COHORTS = sorted({year for _, year in GIVEN})

# Vietnamese brides are the most common foreign residents of Hubei villages; a few teachers and
# engineers live in the towns.
FOREIGN = {
    "越南": [("阮氏花", "NGUYEN THI HOA"), ("陈氏兰", "TRAN THI LAN"), ("黎氏梅", "LE THI MAI"),
             ("范氏秋", "PHAM THI THU"), ("黄氏香", "HOANG THI HUONG"), ("武氏玄", "VU THI HUYEN")],
    "老挝": [("宋玛妮", "SOMMANY KEO"), ("占巴", "CHANTHA PHOMMA")],
    "缅甸": [("苏苏温", "SU SU WIN"), ("丹丹埃", "THAN THAN AYE")],
    "韩国": [("金敏俊", "KIM MIN JUN"), ("朴智勋", "PARK JI HOON")],
    "美国": [("戴维", "DAVID MILLER"), ("约翰", "JOHN CARTER")],
}  # fmt: skip

# Mobile prefixes in use (China Mobile, Unicom, Telecom and the virtual operators on 17x/19x).
MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)]
    + ["150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + ["170", "171", "173", "175", "176", "177", "178"]
    + [f"18{d}" for d in range(10)]
    + ["191", "193", "195", "198", "199"]
)


_SURNAME_KEYS = list(SURNAMES)
_SURNAME_WEIGHTS = list(SURNAMES.values())


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_KEYS, weights=_SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, gender: str, birth_year: int) -> str:
    """A given name in the fashion of the birth cohort; one character more often mid-century."""
    cohort = next(c for c in _COHORTS if birth_year < c)
    pool = GIVEN[(gender, cohort)]
    single_share = {1960: 0.2, 1980: 0.35, 2000: 0.35, 9999: 0.1}[cohort]
    singles = [n for n in pool if len(n) == 1]
    doubles = [n for n in pool if len(n) == 2]
    return rng.choice(singles if singles and rng.random() < single_share else doubles)


def full_name(rng: random.Random, gender: str, birth_year: int, family: str | None = None) -> str:
    return (family or surname(rng)) + given_name(rng, gender, birth_year)


class Phones:
    """Distinct plausible mobile numbers (and 0724 landlines of 荆门 for institutions)."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used:
                self.used.add(number)
                return number

    def landline(self) -> str:
        while True:
            number = f"0724-8{self.rng.randrange(10**6):06d}"
            if number not in self.used:
                self.used.add(number)
                return number
