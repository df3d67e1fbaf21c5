"""The inbox page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import Notice
from .services import notices_mark_read


@login_required
def inbox(request):
    page = Paginator(Notice.objects.filter(recipient=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page})


@login_required
def open_notice(request, pk: int):
    notice = get_object_or_404(Notice.objects.filter(recipient=request.user), pk=pk)
    notices_mark_read(user=request.user, notice_ids=[notice.pk])
    return redirect(notice.link or "notices:inbox")


@login_required
@require_POST
def read_all(request):
    notices_mark_read(user=request.user)
    return redirect("notices:inbox")
