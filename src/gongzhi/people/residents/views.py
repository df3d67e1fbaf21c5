"""Resident sign-in by phone number and SMS code (two short steps on a phone)."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render

from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.pages import throttled

from . import services as phone_service

_BACKEND = "django.contrib.auth.backends.ModelBackend"


def phone_login(request):
    context = {"phone": request.POST.get("phone", "").strip(), "step": "phone"}
    refused = None
    if request.method == "POST" and request.POST.get("step") == "send":
        try:
            context["demo_code"] = phone_service.phone_code_send(phone=context["phone"])
        except DomainError as exc:
            context["error"], refused = exc.message, exc
        else:
            context["step"] = "code"
    elif request.method == "POST" and request.POST.get("step") == "verify":
        context["step"] = "code"
        try:
            user = phone_service.phone_code_verify(phone=context["phone"], code=request.POST.get("code", ""))
        except DomainError as exc:
            context["error"], refused = exc.message, exc
        else:
            login(request, user, backend=_BACKEND)
            messages.success(request, f"{user.display_name}，您好。")
            return redirect("cases:my_cases")
    response = render(
        request, "people/phone_login.html", context, status=400 if context.get("error") else 200
    )
    return throttled(response, refused)
