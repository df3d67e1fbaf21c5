"""The house's import rules (docs/architecture.md): the floor (gongzhi.kernel) imports no app, and
an app imports only the apps listed before it in INSTALLED_APPS — so there is no import cycle
between apps. The layers come from INSTALLED_APPS, so a new app is checked from the line that
installs it; import-linter checks the contract (direct and indirect imports alike)."""

from django.conf import settings
from importlinter.cli import lint_imports


def app_layers() -> list[str]:
    """Our apps from highest to lowest layer: INSTALLED_APPS reversed, then the floor."""
    ours = [name for name in settings.INSTALLED_APPS if name.startswith("gongzhi.")]
    return [*reversed(ours), "gongzhi.kernel"]


def test_the_layers_are_the_installed_apps_in_order():
    layers = app_layers()
    assert layers[-4:] == ["gongzhi.notices", "gongzhi.areas", "gongzhi.audit", "gongzhi.kernel"]
    assert layers.index("gongzhi.points") < layers.index("gongzhi.cases") < layers.index("gongzhi.people")


def test_no_app_imports_one_above_it(tmp_path, capsys):
    layers = "\n".join(f"    {name}" for name in app_layers())
    config = tmp_path / "importlinter.ini"
    config.write_text(
        "[importlinter]\nroot_package = gongzhi\n\n"
        "[importlinter:contract:layers]\nname = Apps import only the floor and the apps installed before them\n"
        f"type = layers\nlayers =\n{layers}\n"
    )
    status = lint_imports(config_filename=str(config), no_cache=True, no_logo=True)
    assert status == 0, capsys.readouterr().out
