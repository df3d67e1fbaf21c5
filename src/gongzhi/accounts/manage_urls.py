"""账号管理 (系统管理员) and 安全策略 (安全管理员), under /manage/."""

from django.urls import path

from . import admin_views

app_name = "manage"
urlpatterns = [
    path("users/", admin_views.users, name="users"),
    path("users/new/", admin_views.user_new, name="user_new"),
    path("users/<int:pk>/", admin_views.user_detail, name="user"),
    path("users/<int:pk>/disable/", admin_views.user_disable, name="user_disable"),
    path("users/<int:pk>/enable/", admin_views.user_enable, name="user_enable"),
    path("users/<int:pk>/grant/", admin_views.user_grant, name="user_grant"),
    path("users/<int:pk>/revoke/<int:grant_id>/", admin_views.user_revoke, name="user_revoke"),
    path("users/<int:pk>/password/", admin_views.user_password_reset, name="user_password_reset"),
    path("users/<int:pk>/mfa/", admin_views.user_mfa_reset, name="user_mfa_reset"),
    path("policy/", admin_views.policy_edit, name="policy"),
]
