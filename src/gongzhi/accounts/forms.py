"""Forms for sign-in and password change; they only parse, services decide."""

from django import forms


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput)
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


class AccountFilterForm(forms.Form):
    q = forms.CharField(label="姓名或用户名", required=False)
    role = forms.CharField(label="角色", required=False)
    area = forms.CharField(label="区划编码", required=False)


class GrantForm(forms.Form):
    role = forms.CharField(label="角色")
    area = forms.CharField(label="区划编码", max_length=18)
    department = forms.IntegerField(label="职能部门", required=False)


class AccountCreateForm(GrantForm):
    # Not required here: the service names what is missing.
    username = forms.CharField(label="用户名", max_length=150, required=False)
    full_name = forms.CharField(label="姓名", max_length=64, required=False)

    field_order = ["username", "full_name", "role", "area", "department"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200)


class PolicyForm(forms.Form):
    password_min_length = forms.IntegerField(label="密码最短长度（位）")
    password_min_classes = forms.IntegerField(label="密码至少包含字符类别数（大写、小写、数字、符号，1–4）")
    password_expiry_days = forms.IntegerField(label="密码有效期（天，0 为不过期）")
    login_max_failures = forms.IntegerField(label="连续登录失败几次锁定")
    login_lock_minutes = forms.IntegerField(label="锁定时长（分钟）")
    idle_timeout_minutes = forms.IntegerField(label="无操作自动退出（分钟）")
    inactive_disable_days = forms.IntegerField(label="长期未登录自动停用（天，0 为不停用）")
    mfa_roles = forms.MultipleChoiceField(
        label="须动态口令（第二因素）的角色", required=False, widget=forms.CheckboxSelectMultiple
    )
