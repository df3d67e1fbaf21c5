"""Run in a subprocess with tests.kernel.sample_settings: what the house shows of the sample app."""

import json

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from gongzhi.accounts.models import User  # noqa: E402
from gongzhi.areas.models import Area  # noqa: E402
from gongzhi.kernel import registry  # noqa: E402
from gongzhi.kernel.jurisdiction import roles_of  # noqa: E402

call_command("migrate", verbosity=0)
Area.objects.create(code="42", name="湖北省", level="province")
Area.objects.create(code="4208", name="荆门市", level="city", parent_id="42")
user = User.objects.create_user("staff", password="Sample@Pass2026")
user.grants.create(role="village_staff", area_id="4208")
client = Client()
client.force_login(user)
print(
    json.dumps(
        {
            "page": client.get("/sample/").content.decode(),
            "api": client.get("/api/v1/sample/ping").json(),
            "nav": [label for _, label, _ in registry.nav_for(user, roles_of(user), False)],
            "area_page": "样例面板" in client.get("/areas/4208/").content.decode(),
            "events": [e.code for e in registry.point_events()],
        },
        ensure_ascii=False,
    )
)
