"""An app plugs into the house through its AppConfig alone (kernel.registry): its pages, API
router, navigation entry, area-page panel and point events appear with one INSTALLED_APPS line,
and no shared file is edited. The sample app lives in tests/kernel/sample_app."""

import json
import os
import subprocess
import sys
from pathlib import Path

from gongzhi.kernel import registry

ROOT = Path(__file__).resolve().parents[2]


def test_a_new_app_plugs_in_with_one_installed_apps_line(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.kernel.sample_settings",
        "GONGZHI_DEMO": "1",
        "GONGZHI_DATA_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("DATABASE_URL", None)  # an embedded database of its own
    out = subprocess.run(
        [sys.executable, "-m", "tests.kernel.sample_probe"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    shown = json.loads(out.stdout.strip().splitlines()[-1])
    assert shown["page"] == "样例页面"
    assert shown["api"] == {"pong": True}
    assert "样例模块" in shown["nav"] and shown["nav"][0] == "工作台"
    assert shown["area_page"] is True
    assert "sample_done" in shown["events"] and "case_report_useful" in shown["events"]


def test_navigation_follows_roles_in_declared_order():
    labels = [label for _, label, _ in registry.nav_for(None, {"resident"}, False)]
    assert labels == ["工作台", "我要说事", "我的事项", "我的积分", "区划与网格"]
    labels = [label for _, label, _ in registry.nav_for(None, {"village_staff"}, False)]
    assert labels[:2] == ["工作台", "事件办理"] and "积分管理" in labels and "审计日志" not in labels
    assert "事件办理" in [label for _, label, _ in registry.nav_for(None, set(), True)]
