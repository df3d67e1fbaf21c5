from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "gongzhi.notices"
    verbose_name = "消息通知"
