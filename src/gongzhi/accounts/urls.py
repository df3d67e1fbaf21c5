from django.urls import path

from . import views, views_phone

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.mfa_view, name="mfa"),
    path("login/phone/", views_phone.phone_login, name="phone_login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/password/", views.password_change, name="password"),
]
