from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "gongzhi.points"
    verbose_name = "积分制"
