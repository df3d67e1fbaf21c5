from ninja import Router

router = Router(tags=["样例"])


@router.get("/ping", auth=None)
def ping(request):
    return {"pong": True}
