"""说事箱 batch entry: staff type in the slips from a 说事箱 in one go; all rows or none."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render

from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.jurisdiction import has_role

from .. import rules
from ..choices import Category, Channel, Kind
from ..forms import form_token, token_error
from ..services import case_submit

ROWS = 8


class _RowError(Exception):
    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row, self.message = row, message


@login_required
def box_batch(request):
    if not has_role(request.user, rules.AREA_READ_ROLES):
        raise Http404
    area = request.POST.get("area_code", request.GET.get("area", "")).strip()
    rows = [
        {
            "kind": request.POST.get(f"kind_{i}", ""),
            "category": request.POST.get(f"category_{i}", ""),
            "description": request.POST.get(f"description_{i}", "").strip(),
            "address": request.POST.get(f"address_{i}", "").strip(),
        }
        for i in range(ROWS)
    ]
    error = None
    # One token per batch form; row i is sent with key "<token>:<i>", so submitting the same slips
    # twice (a double click, the back button) registers each slip once.
    token = form_token(request)
    if request.method == "POST":
        filled = [(i, r) for i, r in enumerate(rows, start=1) if r["description"]]
        error = token_error(request)  # a tampered token is refused, never cut
        if not error and not filled:
            error = "请至少填写一条诉求。"
        elif not error:
            try:
                with transaction.atomic():
                    numbers = []
                    for i, row in filled:
                        data = {
                            **row,
                            "area_code": area,
                            "channel": Channel.BOX,
                            "address": row["address"] or "说事箱",
                        }
                        try:
                            case = case_submit(actor=request.user, data=data, idempotency_key=f"{token}:{i}")
                            numbers.append(case.number)
                        except DomainError as exc:
                            raise _RowError(i, exc.message) from None
            except _RowError as exc:
                error = f"第 {exc.row} 条：{exc.message}（全部未登记，请改正后重新提交）"
            else:
                messages.success(request, f"已登记 {len(numbers)} 件：{'、'.join(numbers)}")
                return redirect("cases:queue")
    return render(
        request,
        "cases/box_batch.html",
        {
            "rows": rows,
            "area": area,
            "kinds": Kind.choices,
            "categories": Category.choices,
            "error": error,
            "idempotency_key": token,
        },  # fmt: skip
        status=400 if error else 200,
    )
