from django.http import HttpResponse
from django.urls import path

app_name = "sample_app"
urlpatterns = [path("", lambda request: HttpResponse("样例页面"), name="index")]
