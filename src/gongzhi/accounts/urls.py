from django.urls import path

from . import admin_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.mfa_view, name="mfa"),
    path("logout/", views.logout_view, name="logout"),
    path("account/password/", views.password_change, name="password"),
    # 账号管理 (系统管理员) and 安全策略 (安全管理员).
    path("manage/users/", admin_views.users, name="users"),
    path("manage/users/new/", admin_views.user_new, name="user_new"),
    path("manage/users/<int:pk>/", admin_views.user_detail, name="user"),
    path("manage/users/<int:pk>/disable/", admin_views.user_disable, name="user_disable"),
    path("manage/users/<int:pk>/enable/", admin_views.user_enable, name="user_enable"),
    path("manage/users/<int:pk>/grant/", admin_views.user_grant, name="user_grant"),
    path("manage/users/<int:pk>/revoke/<int:grant_id>/", admin_views.user_revoke, name="user_revoke"),
    path("manage/users/<int:pk>/password/", admin_views.user_password_reset, name="user_password_reset"),
    path("manage/users/<int:pk>/mfa/", admin_views.user_mfa_reset, name="user_mfa_reset"),
    path("manage/policy/", admin_views.policy_edit, name="policy"),
]
