from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "gongzhi.areas"
    verbose_name = "行政区划与网格"
