"""Valid synthetic identifiers: 公民身份号码 (GB 11643), passports, 出生医学证明 and 统一社会信用代码."""

import random
from datetime import date
from functools import lru_cache

from stdnum.cn import ric, uscc

from gongzhi.kernel.crypto import blind_index

LOCAL = "420822"  # 沙洋县
# Some older residents still carry the code of the county that issued their first card: 沙洋区 of
# 荆门市 (1985–1998), 荆门市 (1983–1985) or 荆门县 (to 1983).
LEGACY_LOCAL = ("420803", "420800", "422430")
LEGACY_SHARE = 0.3

# Where 流动人口 and married-in spouses come from: (place as written in a 户口簿, weight, region
# codes newest first). A person gets the first code that existed in their birth year.
ORIGINS: list[tuple[str, int, tuple[str, ...]]] = [
    ("湖北省钟祥市", 14, ("420881", "421082", "422406", "422431")),
    ("湖北省京山市", 8, ("420882", "420821", "421025", "422432")),
    ("湖北省潜江市", 10, ("429005", "422405", "422429")),
    ("湖北省天门市", 10, ("429006", "422404", "422428")),
    ("湖北省荆门市东宝区", 8, ("420802", "420800", "422430")),
    ("湖北省荆门市掇刀区", 4, ("420804", "420802", "420800", "422430")),
    ("湖北省荆州市荆州区", 6, ("421003", "422421")),
    ("湖北省监利市", 6, ("421088", "421023", "422425")),
    ("湖北省公安县", 4, ("421022", "422423")),
    ("湖北省宜城市", 3, ("420684", "420623", "422524")),
    ("湖北省当阳市", 3, ("420582", "422724")),
    ("湖北省武汉市洪山区", 3, ("420111", "420120")),
    ("湖南省岳阳县", 3, ("430621",)),
    ("湖南省常德市鼎城区", 2, ("430703", "432421")),
    ("河南省邓州市", 3, ("411381", "412930")),
    ("重庆市万州区", 3, ("500101", "512221")),
    ("江西省南昌县", 2, ("360121",)),
]
ORIGIN_WEIGHTS = [w for _, w, _ in ORIGINS]

# Passport number shapes by nationality (letter prefix, digits).
_PASSPORTS = {"越南": ("C", 7), "老挝": ("P", 7), "缅甸": ("MA", 6), "韩国": ("M", 8), "美国": ("5", 8)}


@lru_cache(maxsize=4096)
def _code_exists_in(code: str, year: int) -> bool:
    body = f"{code}{year}0615001"
    return ric.is_valid(body + ric.calc_check_digit(body + "0"))


def region_code(codes, year: int) -> str | None:
    """The first of `codes` that existed in `year` (by python-stdnum's table of codes), or None."""
    return next((c for c in codes if _code_exists_in(c, year)), None)


def local_region(rng: random.Random, year: int) -> str:
    """Mostly 420822; for some born before 1998 the code in force in their birth year."""
    if year < 1998 and rng.random() < LEGACY_SHARE:
        return region_code(LEGACY_LOCAL, year) or LOCAL
    return LOCAL


def region_for(rng: random.Random, codes, year: int) -> str:
    """A region code of `codes` that existed in `year`, else of another origin that did."""
    while not (code := region_code(codes, year)):
        codes = rng.choices(ORIGINS, weights=ORIGIN_WEIGHTS)[0][2]
    return code


class Identifiers:
    """Hands out numbers unique within the run and against the blind indexes already stored."""

    def __init__(self, rng: random.Random, taken_indexes: set[str]):
        self.rng, self.taken, self.used = rng, taken_indexes, set()

    def _fresh(self, number: str) -> bool:
        if number in self.used or (self.taken and blind_index(number) in self.taken):
            return False
        self.used.add(number)
        return True

    def resident_id(self, region: str, birth: date, gender: str) -> str:
        """An 18-digit number: region, birth date, sequence (odd for men), check digit."""
        while True:
            seq = 2 * self.rng.randrange(1, 500) + (1 if gender == "1" else 0)
            body = f"{region}{birth:%Y%m%d}{seq:03d}"
            # calc_check_digit expects the number with a placeholder check digit.
            number = body + ric.calc_check_digit(body + "0")
            if self._fresh(number):
                return number

    def passport(self, nationality: str) -> str:
        prefix, digits = _PASSPORTS[nationality]
        while True:
            number = prefix + f"{self.rng.randrange(10**digits):0{digits}d}"
            if self._fresh(number):
                return number

    def birth_certificate(self) -> str:
        """出生医学证明编号: a letter and nine digits (the 1996 national form)."""
        while True:
            number = self.rng.choice("MNOPQR") + f"42{self.rng.randrange(10**7):07d}"
            if self._fresh(number):
                return number


def _org_code_check(code8: str) -> str:
    """GB 11714 check character of an 8-character organisation code (digits only here)."""
    total = sum(int(c) * w for c, w in zip(code8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


class CreditCodes:
    """Distinct 统一社会信用代码: authority + type, region, GB 11714 organisation code, check."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng, self.taken = rng, set(taken)

    def make(self, authority_type: str, region: str = "420822") -> str:
        while True:
            org = f"{self.rng.randrange(10**8):08d}"
            body = f"{authority_type}{region}{org}{_org_code_check(org)}"
            code = body + uscc.calc_check_digit(body)
            if code not in self.taken and uscc.is_valid(code):
                self.taken.add(code)
                return code
