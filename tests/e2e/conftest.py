import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: starts the portal's real processes and drives them over HTTP")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)
