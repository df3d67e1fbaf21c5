"""Password policy (design.md §5): a minimum length and character classes, both read from the
security policy (accounts/policy.py) unless the validator is given them; and not guessable — not
built on the product's or the user's place names or a year, no repeats or runs, and rated hard
enough by zxcvbn, which is told those names (with their pinyin) as words to try first."""

import re
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from pypinyin import lazy_pinyin
from zxcvbn import zxcvbn

from gongzhi.areas.models import Area, Level
from gongzhi.kernel.codes import ancestors

# Always refused as the core of a password: the product's own names.
PRODUCT_WORDS = ("gongzhi", "共治")
# Suffixes dropped from place names: 沙洋县 -> 沙洋 -> shayang.
_SUFFIXES = re.compile(
    r"(特别行政区|自治区|自治州|自治县|居委会|村委会|社区|街道|办事处|省|市|县|区|镇|乡|村|组)$"
)
_YEAR = re.compile(r"(19|20)\d\d")
# zxcvbn only looks at so many characters; long random passwords need no rating.
_RATE_LENGTH = 64


class CharacterClassValidator:
    """Requires `min_classes` of: lower-case, upper-case, digits, symbols."""

    def __init__(self, min_classes: int | None = None):
        self._min_classes = min_classes

    @property
    def min_classes(self) -> int:
        if self._min_classes is not None:
            return self._min_classes
        from .policy import password_rules

        return password_rules().min_classes

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


class PolicyLengthValidator:
    """Requires the policy's minimum length (or `min_length` when given)."""

    def __init__(self, min_length: int | None = None):
        self._min_length = min_length

    @property
    def min_length(self) -> int:
        if self._min_length is not None:
            return self._min_length
        from .policy import password_rules

        return password_rules().min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少 {self.min_length} 位。", code="password_too_short")

    def get_help_text(self):
        return f"密码至少 {self.min_length} 位。"


def password_help() -> str:
    """One sentence for forms: the policy's length and classes."""
    from .policy import password_rules

    rules = password_rules()
    return (
        f"密码至少 {rules.min_length} 位，包含大写字母、小写字母、数字、符号中的至少 "
        f"{rules.min_classes} 类，不能是常见密码，也不能以产品名、地名、用户名或年份为主。"
    )


def _place_names(user) -> list[str]:
    """Names of the areas the user holds roles in and of every area above them; for a user with
    no role yet, the county and the levels above it in this installation."""
    codes: set[str] = set()
    if user is not None and user.pk:
        for code in user.grants.values_list("area_id", flat=True):
            codes.update([code, *ancestors(code)])
    if codes:
        areas = Area.objects.filter(code__in=codes)
    else:
        areas = Area.objects.filter(level__in=[Level.PROVINCE, Level.CITY, Level.COUNTY]).order_by("code")[
            :20
        ]
    return list(areas.values_list("name", flat=True))


def _variants(name: str) -> set[str]:
    """A name as people type it into a password: as is, without its suffix, and in pinyin."""
    out = set()
    for form in {name.strip(), _SUFFIXES.sub("", name.strip())}:
        if len(form) >= 2:
            out.add(form.lower())
            if re.search(r"[\u4e00-\u9fff]", form):
                out.add("".join(lazy_pinyin(form)).lower())
    # Latin words of fewer than 3 letters would match inside unrelated passwords.
    return {w for w in out if len(w) >= (3 if w.isascii() else 2)}


def banned_words(user=None) -> list[str]:
    """The words a password must not be built on: the product's names, the settings list, the
    user's place names (with pinyin), and the user's own username and name. Longest first."""
    names = [*PRODUCT_WORDS, *settings.PASSWORD_BANNED_WORDS, *_place_names(user)]
    if user is not None:
        names += [user.get_username() or "", getattr(user, "full_name", "") or ""]
    words = set()
    for name in names:
        words |= _variants(name)
    return sorted(words, key=len, reverse=True)


_HINTS = {
    "repeat": "重复的字符（如 aaa、1111）",
    "sequence": "连续的字符（如 abcd、1234）",
    "spatial": "键盘上相邻的按键（如 qwer、asdf）",
    "date": "年份或日期",
}


class GuessabilityValidator:
    """Refuses passwords an attacker tries early. `min_score` is zxcvbn's 0–4 scale (3 = about
    10^8 guesses); `min_other_letters` is how many different letters must remain once names,
    years, digits and symbols are taken out."""

    def __init__(self, min_score: int = 3, min_other_letters: int = 4):
        self.min_score = min_score
        self.min_other_letters = min_other_letters

    def validate(self, password, user=None):
        words = banned_words(user)
        lowered = password.lower()
        rest = lowered
        for word in words:
            rest = rest.replace(word, "")
        rest = _YEAR.sub("", rest)
        letters = {c for c in rest if c.isalpha()}
        used = [w for w in words if w in lowered]
        if len(letters) < self.min_other_letters:
            what = "、".join(used[:3]) if used else ""
            if used or _YEAR.search(password):
                raise ValidationError(
                    "密码不能以产品名、地名、用户名或年份为主"
                    + (f"（含“{what}”）" if what else "")
                    + f"，除此之外须另有至少 {self.min_other_letters} 个不同的字母。",
                    code="password_built_on_names",
                )
            raise ValidationError(
                f"密码中重复或连续的字符太多，须有至少 {self.min_other_letters} 个不同的字母。",
                code="password_repetitive",
            )
        result = zxcvbn(password[:_RATE_LENGTH], user_inputs=words)
        if result["score"] < self.min_score:
            hints = []
            for match in result["sequence"]:
                pattern = match["pattern"]
                if pattern == "dictionary":
                    token = match["matched_word"]
                    hint = "产品名、地名或姓名" if token in words else "常见单词或常见密码"
                else:
                    hint = _HINTS.get(pattern)
                if hint and hint not in hints:
                    hints.append(hint)
            because = f"（含有{'、'.join(hints)}）" if hints else ""
            raise ValidationError(
                f"密码太容易被猜中{because}，请换一个更长、更无规律的密码。", code="password_guessable"
            )

    def get_help_text(self):
        return "密码不能以产品名、地名、用户名或年份为主，不能有重复、连续或键盘顺序的字符。"
