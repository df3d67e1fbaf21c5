from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gongzhi.cases"
    verbose_name = "事件与诉求"
