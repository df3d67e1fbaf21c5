from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.mfa_view, name="mfa"),
    path("logout/", views.logout_view, name="logout"),
    path("account/password/", views.password_change, name="password"),
]
