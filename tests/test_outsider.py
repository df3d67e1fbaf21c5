"""The outsider test, generated from the OpenAPI schema and the URL patterns: a new endpoint or page
is covered the day it is added, without writing a test for it.

Who sees what: the world (tests/world.py) lives in 贺集村 of 高阳镇. The outsiders are of 郭店村
under 纪山镇 — its village staff (guodian), a grid worker and a resident — and reach none of it:
- every API operation and page that takes an object id answers 404 (never 2xx, never a leak);
- every list, API or page, fetched with and without 贺集村 asked for, shows none of its rows;
- no id of the world in a request body makes a write succeed.
A path parameter the table below cannot fill fails loudly: add the object to the world.
"""

import io
import json
import re
from collections import defaultdict
from contextlib import contextmanager
from urllib.parse import urlencode

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from docx import Document
from ninja import Schema

from gongzhi.api import api
from gongzhi.audit.models import AuditEvent
from tests.conftest import GAOYANG, HEJI
from tests.world import MARK, World, built_world, jpeg

SCHEMA = api.get_openapi_schema()
OUTSIDERS = ["guodian", "guodian_grid", "guodian_resident"]
SEARCH = MARK[2:4]
FILLER = "外来的请求内容"

# How to fill a parameter (path, query or body field) from the world: by "segment/name", where
# segment is the literal path segment before it (so `item_id` of law-items differs from the
# catalogue's), else by name alone.
FILL = {
    "code": lambda w: w.area.code,
    "area": lambda w: w.village.code,
    "area_code": lambda w: w.village.code,
    "village": lambda w: w.village.code,
    "token_id": lambda w: w.token.pk,
    "person_id": lambda w: w.person.pk,
    "household_id": lambda w: w.household.pk,
    "org_id": lambda w: w.organization.pk,
    "organization_id": lambda w: w.organization.pk,
    "case_id": lambda w: w.case.pk,
    # merge names a second case: the same one (a rule break, 4xx, after the lookup succeeded).
    "into_id": lambda w: w.case.pk,
    "photo_id": lambda w: w.case_photo.pk,
    "confirmation_id": lambda w: w.confirmation.pk,
    "workroom_id": lambda w: w.workroom.pk,
    "account_id": lambda w: w.account.pk,
    "entry_id": lambda w: w.entry.pk,
    "appeal_id": lambda w: w.appeal.pk,
    "item_id": lambda w: w.item.pk,
    "law-items/item_id": lambda w: w.law_item.pk,
    "event": lambda w: w.event,
    "declaration_id": lambda w: w.declaration.pk,
    "shop_id": lambda w: w.shop.pk,
    "shop_pk": lambda w: w.shop.pk,
    "reward_id": lambda w: w.reward.pk,
    "redemption_id": lambda w: w.redemption.pk,
    "meeting_id": lambda w: w.meeting.pk,
    "rating_id": lambda w: w.rating.pk,
    "review_id": lambda w: w.review.pk,
    "nomination_id": lambda w: w.nomination.pk,
    "account": lambda w: w.account.pk,
    # Part of MARK: a search that matches shows MARK, while the echo of the query does not.
    "q": lambda w: SEARCH,
    # Pages name their object `pk`: the collection before it says which.
    "people/pk": lambda w: w.person.pk,
    "households/pk": lambda w: w.household.pk,
    "organizations/pk": lambda w: w.organization.pk,
    "import/pk": lambda w: w.import_job.pk,
    "notices/pk": lambda w: w.notice.pk,
    "declarations/pk": lambda w: w.declaration.pk,
    "declarations/action": lambda w: "approve",
    "photos/pk": lambda w: w.evidence_photo.pk,
    "appeals/pk": lambda w: w.appeal.pk,
    "items/pk": lambda w: w.item.pk,
    "accounts/pk": lambda w: w.account.pk,
    "open/kind": lambda w: "person",
    "open/pk": lambda w: w.person.pk,
    "entries/pk": lambda w: w.entry.pk,
    "orders/pk": lambda w: w.redemption.pk,
    "manage/pk": lambda w: w.shop.pk,
    "rewards/pk": lambda w: w.reward.pk,
    "redemptions/pk": lambda w: w.redemption.pk,
    "meetings/pk": lambda w: w.meeting.pk,
    "law/pk": lambda w: w.rating.pk,
    "reviews/pk": lambda w: w.review.pk,
    "reviews/action": lambda w: "start",
    "nominations/pk": lambda w: w.nomination.pk,
    "nominations/action": lambda w: "accept",
    "cases/pk": lambda w: w.case.pk,
    "cases/action": lambda w: "accept",
    "mediation/step": lambda w: "session",
    "workrooms/pk": lambda w: w.workroom.pk,
    # 账号管理: an account of 贺集村 and one of its grants.
    "users/pk": lambda w: w.personas.heji.pk,
    "grant_id": lambda w: w.personas.heji.grants.first().pk,
}

# 403 instead of 404, only where the role may not use the operation at all, whatever the object
# (checked before any lookup, so it tells nothing about 高阳镇). Keep this short. Entries are a
# method and the end of the path, so they survive a router moving under another prefix.
MAY_REFUSE = {
    # 县级 configuration: the county's award mappings and 法治家庭 deduction items are edited by
    # county staff only; the items are the county's, shared by every village (no 404 to give).
    ("put", "/catalogue/mappings/{event}"),
    ("put", "/law-items/{item_id}"),
}

# Lists with no free text of 贺集村's to show, even to its own staff (numbers, codes, county rows).
COUNTS_ONLY = {
    ("get", "/areas/"),
    ("get", "/mediation/counts"),
    ("get", "/stats/cases"),
    ("get", "/boards/participation"),
    ("get", "/law-items"),
    ("get", "/civic/reviews"),
}


def listed(verb: str, path: str, entries) -> bool:
    return any(verb == method and path.endswith(tail) for method, tail in entries)


# Routes this test found leaking or mis-documented; all fixed (kept so a regression names itself).
KNOWN: dict[str, str] = {}

# The same for pages, per outsider: the 积分超市's staff pages refuse a resident before any lookup.
PAGES_MAY_REFUSE = {
    ("guodian_resident", name)
    for name in (
        "points:shop_detail",
        "points:shop_edit",
        "points:shop_reward_new",
        "points:shop_reward_edit",
        "points:shop_reward_restock",
        "points:shop_fulfil",
    )
}


def known(key: str) -> list:
    return [pytest.mark.xfail(strict=True, reason=KNOWN[key])] if key in KNOWN else []


def fill(world: World, segment: str, name: str, *, strict: bool = True):
    for key in (f"{segment}/{name}", name):
        if key in FILL:
            return FILL[key](world)
    if strict:
        pytest.fail(
            f"no way to fill parameter {name!r} (after {segment!r}): add it to tests/world.py and FILL"
        )
    return None


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with built_world(django_db_blocker, tmp_path_factory.mktemp("media")) as w:
        yield w


# -- the schema ---------------------------------------------------------------------------------


def operations(*, with_path_params: bool, method: str | None = None) -> list:
    found = []
    for path, ops in SCHEMA["paths"].items():
        for verb, op in ops.items():
            has = any(p["in"] == "path" for p in op.get("parameters", []))
            if has == with_path_params and (method is None or verb == method):
                key = f"{verb.upper()} {path}"
                found.append(pytest.param(verb, path, op, id=key, marks=known(key)))
    return found


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def example(world: World, schema: dict, name: str = ""):
    """A valid-looking value for a schema: ids from the world, FILLER for text, today for dates."""
    schema = resolve(schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if resolve(s).get("type") != "null"]
            if (
                len(options) < len(schema[key])
                and name.endswith("_id")
                and fill(world, "", name, strict=False) is None
            ):
                # An optional id the world does not name: leave it out. A made-up number would point
                # at whatever row has it in this database (ids differ between runs on PostgreSQL).
                return None
            return example(world, options[0], name)
    if "allOf" in schema:
        return example(world, schema["allOf"][0], name)
    if "enum" in schema:
        return schema["enum"][0]
    ours = fill(world, "", name, strict=False) if name.endswith("_id") or name == "area_code" else None
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: example(world, v, k) for k, v in props.items()}
    if kind == "array":
        return [example(world, schema["items"], name.removesuffix("s"))] if schema.get("minItems") else []
    if kind == "integer":
        return ours if ours is not None else max(schema.get("minimum", 1), 1)
    if kind == "number":
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return True
    if kind == "string":
        if ours is not None:
            return str(ours)
        fmt = schema.get("format")
        if fmt == "date":
            return timezone.localdate().isoformat()
        if fmt == "date-time":
            return timezone.now().isoformat()
        # Not MARK: a validation error may rightly echo what was sent.
        return FILLER[: schema.get("maxLength", len(FILLER))]
    return None


def call(client: Client, world: World, verb: str, path: str, op: dict, who: str, *, query=None, body=True):
    """Call an operation as `who` (bearer token), path parameters filled from the world."""

    def segment_before(match):
        head = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        return str(fill(world, head, match.group(1)))

    url = re.sub(r"\{([^}]+)\}", segment_before, path)
    if query:
        url += "?" + urlencode(query)
    headers = {"Authorization": f"Bearer {world.tokens[who]}"}
    content = op.get("requestBody", {}).get("content", {})
    if verb == "get":
        return client.get(url, headers=headers)
    if "multipart/form-data" in content:
        files = [SimpleUploadedFile(f"{n}.jpg", jpeg(), "image/jpeg") for n in range(2)]
        return client.generic(verb.upper(), url, **_multipart({"photos": files}), headers=headers)
    data = (
        example(world, content["application/json"]["schema"])
        if "application/json" in content and body
        else {}
    )
    return client.generic(verb.upper(), url, json.dumps(data), "application/json", headers=headers)


def _multipart(data):
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return {"data": encode_multipart(BOUNDARY, data), "content_type": MULTIPART_CONTENT}


def leaks(response) -> bool:
    """Whether MARK shows anywhere in the body, xlsx and docx files opened and read."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return any(
            MARK in str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
    if "wordprocessingml" in kind:
        doc = Document(io.BytesIO(body))
        return any(MARK in p.text for p in doc.paragraphs) or any(
            MARK in c.text for t in doc.tables for r in t.rows for c in r.cells
        )
    return MARK in body.decode("utf-8", "replace")


def problem(response, allowed) -> str:
    """'' when the answer is one of `allowed` and shows nothing of the world, else what went wrong."""
    if response.status_code in allowed and not leaks(response):
        return ""
    return f"{response.status_code}: {response.content[:200].decode('utf-8', 'replace')}"


class Trail:
    """What a request wrote to the audit trail under 高阳镇: nothing, when the actor is an outsider
    (services audit every write, and every read of a sensitive record, in the object's area)."""

    def __init__(self):
        self.seq = AuditEvent.objects.aggregate(m=Max("seq"))["m"] or 0

    def written(self) -> list[str]:
        rows = AuditEvent.objects.filter(seq__gt=self.seq, area_code__startswith=GAOYANG, result="success")
        return list(rows.values_list("action", flat=True))


def reached(response) -> bool:
    """Whether the world's own people got past the lookup (neither a 404 nor ninja's 422, which
    comes before the view looks anything up)."""
    return response.status_code not in (404, 422)


def check_outsiders(request_as) -> list[str]:
    """Run `request_as(who)` for each outsider; return what went wrong, naming who."""
    failures = []
    for who in OUTSIDERS:
        trail = Trail()
        for what in request_as(who):
            failures.append(f"{who}: {what}")
        if trail.written():
            failures.append(f"{who}: wrote {trail.written()} under 高阳镇")
    return failures


# -- API operations on one object -------------------------------------------------------------


@pytest.mark.parametrize(("verb", "path", "op"), operations(with_path_params=True))
def test_api_operation_on_an_object_out_of_reach_is_404(client, world, db, verb, path, op):
    key = f"{verb.upper()} {path}"

    def as_outsider(who):
        allowed = {404, 403} if listed(verb, path, MAY_REFUSE) else {404}
        response = call(client, world, verb, path, op, who)
        if response.status_code == 422 and "requestBody" in op:
            # ninja validates the body before the view runs: 422 is no leak, but try without one.
            response = call(client, world, verb, path, op, who, body=False)
            allowed.add(422)
        if what := problem(response, allowed):
            yield what

    failures = check_outsiders(as_outsider)
    assert not failures, failures
    # The control: the ids filled in are real, since the world's own people reach them.
    # (沙洋县 for the county's own configuration, which only it edits.)
    insiders = [call(client, world, verb, path, op, who) for who in ("heji", "w_villager", "county")]
    assert any(reached(r) for r in insiders), f"nobody inside reaches {key}: fix the world or FILL"


def list_queries(world: World, op: dict) -> list[dict]:
    """Only the required query parameters, then every one the world can fill (贺集村 for area,
    part of MARK for q, its shop for shop_id …)."""
    params = [p for p in op.get("parameters", []) if p["in"] == "query"]
    required = {p["name"]: fill(world, "", p["name"]) for p in params if p.get("required")}
    every = {p["name"]: fill(world, "", p["name"], strict=False) for p in params}
    every = {n: v for n, v in every.items() if v is not None}
    return [required, every] if every != required else [required]


@pytest.mark.parametrize(("verb", "path", "op"), operations(with_path_params=False, method="get"))
def test_api_list_shows_nothing_of_another_town(client, world, db, verb, path, op):
    def as_outsider(who):
        for query in list_queries(world, op):
            response = call(client, world, verb, path, op, who, query=query)
            if what := problem(response, {200, 403, 404}):
                yield f"{query} → {what}"

    failures = check_outsiders(as_outsider)
    assert not failures, failures
    # The control: the list does show the world to its own people (unless it holds no free text).
    if not listed(verb, path, COUNTS_ONLY):
        shown = [
            leaks(call(client, world, verb, path, op, who, query=query))
            for who in ("heji", "w_villager")
            for query in list_queries(world, op)
        ]
        assert any(shown), (
            f"{path} shows nothing of the world to 贺集村 either: add to the world or COUNTS_ONLY"
        )


def names_world_ids(op: dict) -> bool:
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return False
    props = resolve(content["schema"]).get("properties", {})
    return any(name.endswith("_id") or name in ("area_code", "account_ids") for name in props)


@pytest.mark.parametrize(
    ("verb", "path", "op"),
    [p for p in operations(with_path_params=False) if p.values[0] != "get" and names_world_ids(p.values[2])],
)
def test_api_write_naming_an_object_out_of_reach_fails(client, world, db, verb, path, op):
    def as_outsider(who):
        # A village code suits shops, workrooms and meetings; a grid code people and cases.
        for code in (world.village.code, world.area.code):
            with override_fill("area_code", code):
                response = call(client, world, verb, path, op, who)
            if not 400 <= response.status_code < 500 or leaks(response):
                yield f"area_code={code} → {response.status_code}: {response.content[:200].decode()}"

    failures = check_outsiders(as_outsider)
    assert not failures, failures


@contextmanager
def override_fill(name: str, value):
    saved = FILL[name]
    FILL[name] = lambda w: value
    try:
        yield
    finally:
        FILL[name] = saved


# -- pages --------------------------------------------------------------------------------------

SKIP_PAGES = ("admin/", "api/", "static/", "media/")
PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def pages(patterns=None, prefix: str = "", namespace: str = ""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if route.startswith(SKIP_PAGES):
            continue
        if isinstance(p, URLResolver):
            yield from pages(p.url_patterns, route, ":".join(filter(None, (namespace, p.namespace))))
        elif isinstance(p, URLPattern):
            name = ":".join(filter(None, (namespace, p.name)))
            yield pytest.param(route, name, id=name or route, marks=known(name))


def page_url(world: World, route: str) -> str:
    parts, literal = [], ""
    for segment in route.split("/"):
        parts.append(PARAM.sub(lambda m, lit=literal: str(fill(world, lit, m.group("name"))), segment))
        if not PARAM.search(segment):
            literal = segment
    return "/" + "/".join(parts)


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def visit(client: Client, url: str, form: dict):
    """GET the page; a POST-only step (405) is posted to, with `form`."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, form)
    return response


def page_query(world: World) -> dict:
    """Query and form fields naming the world: 贺集村, its account, a search, a pickup code …"""
    return {
        "area": HEJI, "area_code": world.area.code, "account": world.account.pk, "q": SEARCH,
        "code": world.redemption.pickup_code, "account_id": world.account.pk, "reward_id": world.reward.pk,
        "person_id": world.person.pk, "household_id": world.household.pk, "item_id": world.item.pk,
        "shop_id": world.shop.pk, "case_id": world.case.pk, "account_ids": [world.account.pk],
    }  # fmt: skip


@pytest.mark.parametrize(("route", "name"), [p for p in pages() if PARAM.search(p.values[0])])
def test_page_of_an_object_out_of_reach_is_404(world, db, route, name):
    url = page_url(world, route)

    def as_outsider(who):
        allowed = {404, 403} if (who, name) in PAGES_MAY_REFUSE else {404}
        if what := problem(visit(browser(world.outsiders[who]), url, page_query(world)), allowed):
            yield f"{url} → {what}"

    failures = check_outsiders(as_outsider)
    assert not failures, failures
    insiders = [
        visit(browser(u), url, page_query(world))
        for u in (world.personas.heji, world.villager, world.sysadmin)
    ]
    assert any(reached(r) for r in insiders), f"nobody of 贺集村 reaches {url}: fix the world or FILL"


@pytest.mark.parametrize(("route", "name"), [p for p in pages() if not PARAM.search(p.values[0])])
def test_page_list_shows_nothing_of_another_town(world, db, route, name):
    url = "/" + route

    def as_outsider(who):
        client = browser(world.outsiders[who])
        for query in ({}, page_query(world)):
            if what := problem(client.get(url, query), {200, 302, 403, 404, 405}):
                yield f"GET {query} → {what}"
        # A form posted with the world's ids writes nothing there (the trail tells) and shows nothing.
        if what := problem(client.post(url, page_query(world)), {200, 302, 400, 403, 404, 405, 409, 422}):
            yield f"POST → {what}"

    failures = check_outsiders(as_outsider)
    assert not failures, failures


# -- the schema the generated requests trust ----------------------------------------------------


def schema_classes(cls=Schema):
    for sub in cls.__subclasses__():
        yield sub
        yield from schema_classes(sub)


def test_each_schema_name_is_one_class():
    """Components are named by class name alone: two classes of one name document one body for both."""
    owners = defaultdict(set)
    for cls in schema_classes():
        if cls.__module__.startswith("gongzhi.") and cls.__name__ in SCHEMA["components"]["schemas"]:
            owners[cls.__name__].add(cls.__module__)
    assert {name: mods for name, mods in owners.items() if len(mods) > 1} == {}
