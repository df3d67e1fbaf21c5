"""Page forms for cases; they parse, services decide."""

import uuid

from django import forms

from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.idempotency import clean_key

from .choices import Category, Channel, Concern, Kind, Rating, Supervision, Urgency


def _blank(enum, label="—"):
    return [("", label)] + list(enum.choices)


TOKEN_LIMIT = 32  # a uuid4 hex; the 说事箱 batch sends "<token>:<row>" within the 64 of the column


def submit_token(request) -> str:
    """The one-off token a page form carries as its Idempotency-Key: a double submit (or a retry after
    a dropped connection) sends the same token, so it makes one case. Kept when the form is shown
    again with errors, fresh on every new form. A posted token we could not have issued (longer
    than 32 characters, or not printable ASCII) is refused with a DomainError, never cut: two
    tokens sharing a prefix would otherwise register one case."""
    key = clean_key(
        request.POST.get("idempotency_key"),
        limit=TOKEN_LIMIT,
        field="idempotency_key",
        label="表单的防重复令牌",
    )
    return key or uuid.uuid4().hex


def token_error(request) -> str | None:
    """The message refusing the posted token, or None when it is usable."""
    try:
        submit_token(request)
    except DomainError as exc:
        return exc.message
    return None


def form_token(request) -> str:
    """The token to put in the form shown: the posted one when usable, a fresh one otherwise."""
    try:
        return submit_token(request)
    except DomainError:
        return uuid.uuid4().hex


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(label="来源渠道", choices=Channel.choices, initial=Channel.HOTLINE)
    kind = forms.ChoiceField(label="类型", choices=_blank(Kind, "请选择"), required=False)
    category = forms.ChoiceField(label="纠纷类别", choices=_blank(Category), required=False)
    title = forms.CharField(label="标题", required=False, help_text="留空则取内容开头")
    description = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    concern = forms.ChoiceField(label="关注程度", choices=Concern.choices, initial=Concern.LOW)
    area_code = forms.CharField(label="事发村(社区)或网格编码", required=False)
    address = forms.CharField(label="地点", required=False)
    lat = forms.FloatField(label="纬度", required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(label="经度", required=False, widget=forms.HiddenInput)
    contact_name = forms.CharField(label="反映人", required=False)
    contact_phone = forms.CharField(label="联系电话", required=False)
    anonymous = forms.BooleanField(label="匿名（联系方式不对外）", required=False)
    party_names = forms.CharField(label="当事人（多人用、分隔）", required=False)

    def to_data(self) -> dict:
        data = dict(self.cleaned_data)
        names = [
            n.strip() for n in (data.pop("party_names") or "").replace(",", "、").split("、") if n.strip()
        ]
        data["parties"] = [{"name": n} for n in names]
        return data


class ResidentReportForm(forms.Form):
    kind = forms.ChoiceField(label="什么事", choices=_blank(Kind, "请选择"), required=False)
    category = forms.ChoiceField(label="纠纷类别", choices=_blank(Category), required=False)
    description = forms.CharField(
        label="说说情况",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "发生了什么？在哪里？"}),
        required=False,
    )
    area_code = forms.ChoiceField(label="在哪个网格", required=False)
    address = forms.CharField(label="具体地点", required=False)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    anonymous = forms.BooleanField(label="匿名反映", required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = [("", "请选择")] + [(a.code, a.name) for a in areas]


class ActionForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    assignee = forms.CharField(required=False)  # "user:ID" or "dept:ID"
    area_code = forms.CharField(required=False)
    until = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    approve = forms.ChoiceField(choices=[("1", "同意"), ("0", "不同意")], required=False)
    level = forms.ChoiceField(choices=[c for c in Supervision.choices if c[0]], required=False)
    rating = forms.ChoiceField(choices=Rating.choices, required=False)
    into = forms.CharField(required=False)
    internal = forms.BooleanField(required=False)
