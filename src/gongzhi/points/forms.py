"""Page forms of the core points pages; they parse, the services decide."""

from django import forms
from django.utils import timezone

from gongzhi.kernel.text import limit

from .choices import AwardEvent, CapPeriod, Star, Subject
from .models import PointAppeal, PointCategory, PointDeclaration, PointEntry, PointItem, PointItemAdjustment
from .rules import READ_ROLES


class DeclareForm(forms.Form):
    """积分申报 on the phone: one item, what happened, when (photos come from request.FILES)."""

    item = forms.IntegerField(label="积分项目", error_messages={"required": "请选择积分项目。"})
    text = forms.CharField(
        label="事迹",
        max_length=limit(PointDeclaration, "text"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "做了什么好事？帮助了谁？"}),
        error_messages={"required": "请填写事迹（至少 4 个字）。"},
    )
    occurred_on = forms.DateField(
        label="发生日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写发生日期。", "invalid": "发生日期格式应为 年-月-日。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["occurred_on"].initial = today
        self.fields["occurred_on"].widget.attrs["max"] = today.isoformat()


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300, required=False)


class AwardForm(forms.Form):
    """Direct award or deduction by staff."""

    item = forms.IntegerField(label="积分项目", error_messages={"required": "请选择积分项目。"})
    reason = forms.CharField(label="评定理由", max_length=limit(PointEntry, "reason"), required=False)


class ItemForm(forms.Form):
    """A catalogue item; county fields (bounds, award roles) are ignored for a village's own item."""

    category_id = forms.ChoiceField(label="类别")
    code = forms.CharField(label="编码", max_length=limit(PointItem, "code"), required=False)
    name = forms.CharField(label="名称", max_length=limit(PointItem, "name"), required=False)
    points = forms.IntegerField(label="分值（扣分项填负数）", required=False)
    subjects = forms.MultipleChoiceField(
        label="适用主体", choices=Subject.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    needs_evidence = forms.BooleanField(label="需要佐证照片", required=False)
    declarable = forms.BooleanField(label="可由本人申报", required=False, initial=True)
    cap_times = forms.IntegerField(label="周期内上限（次）", required=False, min_value=1, max_value=1000)
    cap_period = forms.ChoiceField(label="上限周期", choices=CapPeriod.choices, required=False)
    award_roles = forms.MultipleChoiceField(
        label="可直接评定的角色",
        choices=[(r.value, r.label) for r in READ_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    min_points = forms.IntegerField(label="村级可调下限", required=False)
    max_points = forms.IntegerField(label="村级可调上限", required=False)
    star = forms.ChoiceField(label="积分之星类别", choices=[("", "—")] + list(Star.choices), required=False)
    description = forms.CharField(label="说明", max_length=limit(PointItem, "description"), required=False)
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, county_item: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_id"].choices = [("", "请选择")] + [
            (str(c.pk), c.name) for c in PointCategory.objects.all()
        ]
        if not county_item:
            for name in ("min_points", "max_points"):
                del self.fields[name]

    def to_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["category_id"] = (
            int(data["category_id"]) if str(data.get("category_id") or "").isdigit() else None
        )
        return data


class AdjustForm(forms.Form):
    """A village's own points for a county item (empty resets to the county's)."""

    points = forms.IntegerField(label="本村分值", required=False)
    reason = forms.CharField(
        label="调整理由", max_length=limit(PointItemAdjustment, "reason"), required=False
    )


class MappingForm(forms.Form):
    event = forms.ChoiceField(choices=AwardEvent.choices)
    item = forms.IntegerField(error_messages={"required": "请选择积分项目。"})


class AppealForm(forms.Form):
    reason = forms.CharField(label="申诉理由", max_length=limit(PointAppeal, "reason"), required=False)


class DecideForm(forms.Form):
    overturn = forms.ChoiceField(choices=[("0", "维持扣分"), ("1", "撤销扣分")])
    note = forms.CharField(label="裁定意见", max_length=limit(PointAppeal, "decision_note"), required=False)
