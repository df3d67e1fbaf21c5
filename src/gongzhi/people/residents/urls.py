"""Residents' sign-in by phone: the phone must belong to a person in the registry."""

from django.urls import path

from . import views as views_login

app_name = "residents"
urlpatterns = [
    path("login/phone/", views_login.phone_login, name="phone_login"),
]
