"""Password policy: a minimum length and character classes, both read from the security policy
(accounts/policy.py) unless the validator is given them (design.md §5)."""

import string

from django.core.exceptions import ValidationError


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
        f"{rules.min_classes} 类，且不能是常见密码。"
    )
