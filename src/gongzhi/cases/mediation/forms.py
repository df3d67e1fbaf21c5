"""Page forms for 人民调解; they parse, the services decide."""

from django import forms

from .models import ConfirmationResult, MediationResult

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OpenForm(forms.Form):
    lead = forms.IntegerField(label="主持调解员", required=False)
    workroom = forms.IntegerField(label="3+X 工作室", required=False)
    # co_mediators: a list of user ids, read from the request and checked by the service.
    note = forms.CharField(label="说明", required=False)


class PartyForm(forms.Form):
    name = forms.CharField(label="姓名或名称", required=False, max_length=128)
    side = forms.CharField(label="身份", required=False, max_length=16)
    person_id = forms.IntegerField(label="实有人口编号", required=False)


class SessionForm(forms.Form):
    held_on = forms.DateField(label="调解日期", widget=DATE, required=False)
    place = forms.CharField(label="调解地点", required=False)
    attendees = forms.CharField(label="参加人员", required=False)
    notes = forms.CharField(label="调解记录", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ConcludeForm(forms.Form):
    result = forms.ChoiceField(label="调解结果", choices=MediationResult.choices)
    agreed_terms = forms.CharField(
        label="协议内容（每行一条）", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    performance = forms.CharField(label="履行方式、期限", required=False)
    agreed_on = forms.DateField(label="协议日期", widget=DATE, required=False)
    note = forms.CharField(
        label="原因或诉讼引导情况", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ConfirmationForm(forms.Form):
    applied_on = forms.DateField(label="申请日期", widget=DATE, required=False)
    court = forms.CharField(label="受理法院", required=False)
    note = forms.CharField(label="说明", required=False)


class DecisionForm(forms.Form):
    confirmation = forms.IntegerField()
    result = forms.ChoiceField(label="确认结果", choices=[c for c in ConfirmationResult.choices if c[0]])
    decided_on = forms.DateField(label="裁定日期", widget=DATE, required=False)
    number = forms.CharField(label="调确字号", required=False)
    note = forms.CharField(label="说明", required=False)


class WorkroomForm(forms.Form):
    area_code = forms.ChoiceField(label="所属村(社区)/镇(街道)", required=False)
    name = forms.CharField(label="工作室名称", required=False, help_text="如：贺集村“3+X”工作室")
    address = forms.CharField(label="工作地点", required=False)
    judge_name = forms.CharField(label="法官", required=False)
    lawyer_name = forms.CharField(label="律师", required=False)
    secretary_name = forms.CharField(label="支书", required=False)
    other_members = forms.CharField(
        label="其他成员（X）", required=False, help_text="乡贤、五老、派出所民警等，用、分隔"
    )
    mediator_ids = forms.TypedMultipleChoiceField(
        label="调解员（系统用户）", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    active = forms.BooleanField(label="在用", required=False, initial=True)

    def __init__(self, *args, areas=(), candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = [("", "请选择")] + [(a.code, a.name) for a in areas]
        self.fields["mediator_ids"].choices = [(u.pk, u.display_name) for u in candidates]
