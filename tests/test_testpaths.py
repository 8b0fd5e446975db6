"""Every test module of the repository is collected by `make test`: an app's tests outside pytest's `testpaths`
would never run in CI (api, central, funding and public were missed that way)."""
import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SKIPPED = {".venv", ".git", "node_modules", "staticfiles", "media"}


def test_every_test_module_is_under_a_testpath():
    testpaths = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"]
    outside = sorted(
        str(path.relative_to(ROOT)) for path in ROOT.rglob("test_*.py")
        if not SKIPPED & set(path.relative_to(ROOT).parts) and path.relative_to(ROOT).parts[0] not in testpaths)
    assert outside == [], f"test modules pytest never collects: {outside}"
