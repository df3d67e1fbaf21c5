"""Form for a grid's name, centre and boundary; the service validates the geometry."""

import json

from django import forms

from gongzhi.kernel.text import limit

from .models import Area


class GridForm(forms.Form):
    name = forms.CharField(
        label="网格名称", max_length=limit(Area, "name"), error_messages={"required": "请填写网格名称。"}
    )
    center_lat = forms.FloatField(
        label="中心纬度", required=False, error_messages={"invalid": "纬度须为数字，如 30.71。"}
    )
    center_lng = forms.FloatField(
        label="中心经度", required=False, error_messages={"invalid": "经度须为数字，如 112.59。"}
    )
    boundary = forms.CharField(
        label="边界（GeoJSON Polygon）",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": '{"type": "Polygon", "coordinates": [[[112.5, 30.7], …]]}'}
        ),
    )

    @staticmethod
    def initial_for(area) -> dict:
        return {
            "name": area.name,
            "center_lat": area.center_lat,
            "center_lng": area.center_lng,
            "boundary": json.dumps(area.boundary, ensure_ascii=False) if area.boundary else "",
        }

    def clean_boundary(self):
        text = self.cleaned_data["boundary"].strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise forms.ValidationError("边界不是合法的 JSON。") from None
