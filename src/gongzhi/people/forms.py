"""Page forms for the registry. They only parse; validation.py and services decide."""

from django import forms

from .choices import (
    EXTRA_FIELDS,
    CareColour,
    Education,
    Ethnicity,
    Gender,
    IdType,
    MaritalStatus,
    OrgKind,
    PersonKind,
    PoliticalStatus,
    Relation,
    Tag,
)


def _choices(enum, blank="—"):
    return [("", blank)] + list(enum.choices)


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", required=False)
    id_type = forms.ChoiceField(label="证件类型", choices=IdType.choices, initial=IdType.RESIDENT_ID)
    id_number = forms.CharField(
        label="证件号码", required=False, help_text="居民身份证须为 18 位，校验位按 GB 11643 核对"
    )
    gender = forms.ChoiceField(label="性别", choices=_choices(Gender, "按身份证号码"), required=False)
    birth_date = forms.CharField(
        label="出生日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="留空则按身份证号码",
    )
    phone = forms.CharField(label="联系电话", required=False)
    ethnicity = forms.ChoiceField(label="民族", choices=Ethnicity.choices, initial="汉族")
    political_status = forms.ChoiceField(label="政治面貌", choices=PoliticalStatus.choices, initial="群众")
    education = forms.ChoiceField(label="学历", choices=_choices(Education), required=False)
    marital_status = forms.ChoiceField(label="婚姻状况", choices=_choices(MaritalStatus), required=False)
    occupation = forms.CharField(label="职业", required=False)
    workplace = forms.CharField(label="服务处所", required=False)
    kind = forms.ChoiceField(label="人口类型", choices=PersonKind.choices, initial=PersonKind.REGISTERED)
    area_code = forms.CharField(
        label="现住网格编码", required=False, help_text="网格或微网格编码，如 420822110209001"
    )
    address = forms.CharField(label="现住址", required=False)
    hukou_area_code = forms.CharField(label="户籍地区划代码", required=False)
    hukou_address = forms.CharField(label="户籍地址", required=False)
    tags = forms.MultipleChoiceField(
        label="标签", choices=Tag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Items of each 人口类型, filled only for that type (the service drops the others).
        for kind, items in EXTRA_FIELDS.items():
            for key, label in items.items():
                widget = forms.DateInput(attrs={"type": "date"}) if key.endswith("_on") else forms.TextInput()
                self.fields[f"extra_{key}"] = forms.CharField(
                    label=f"{label}（{PersonKind(kind).label}）", required=False, widget=widget
                )

    def to_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("extra_")}
        data["extra"] = {k[6:]: v for k, v in self.cleaned_data.items() if k.startswith("extra_") and v}
        return data

    @classmethod
    def initial_for(cls, person, id_number: str = "", phone: str = "") -> dict:
        initial = {
            f: getattr(person, f)
            for f in (
                "name",
                "id_type",
                "gender",
                "ethnicity",
                "political_status",
                "education",
                "marital_status",
            )
        }
        initial.update(
            {
                "occupation": person.occupation,
                "workplace": person.workplace,
                "kind": person.kind,
                "birth_date": person.birth_date.isoformat(),
                "area_code": person.area_id,
                "address": person.address,
                "hukou_area_code": person.hukou_area_id or "",
                "hukou_address": person.hukou_address,
                "tags": list(person.tags.values_list("tag", flat=True)),
                "id_number": id_number,
                "phone": phone,
            }
        )
        initial.update({f"extra_{k}": v for k, v in person.extra.items()})
        return initial


class HouseholdForm(forms.Form):
    household_no = forms.CharField(label="户号", required=False)
    area_code = forms.CharField(label="所属网格编码", required=False)
    address = forms.CharField(label="住址", required=False)
    care_colour = forms.ChoiceField(label="关爱等级", choices=CareColour.choices, initial=CareColour.GREEN)
    care_reason = forms.CharField(
        label="等级原因", required=False, help_text="黄色关心户、红色连心户须写明原因"
    )


class MemberForm(forms.Form):
    id_number = forms.CharField(label="成员证件号码", required=False)
    relation = forms.ChoiceField(label="与户主关系", choices=_choices(Relation), required=False)


class OrganizationForm(forms.Form):
    name = forms.CharField(label="名称", required=False)
    kind = forms.ChoiceField(label="类别", choices=_choices(OrgKind), required=False)
    credit_code = forms.CharField(label="统一社会信用代码", required=False)
    area_code = forms.CharField(label="所属网格编码", required=False)
    address = forms.CharField(label="地址", required=False)
    contact_name = forms.CharField(label="联系人", required=False)
    contact_phone = forms.CharField(label="联系电话", required=False)
    employees = forms.CharField(label="从业人数", required=False)
