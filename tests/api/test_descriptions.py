"""Each resource of the API describes itself: no operation inherits the docstring of a mixin or base class,
which speaks of the code, not of the resource."""

from importlib import import_module

from raa_tracker.api.urls import APPS_WITH_AN_API


def test_every_viewset_has_a_docstring_of_its_own() -> None:
    viewsets = {
        viewset for app in APPS_WITH_AN_API for _, viewset, _ in import_module(f"{app}.api.urls").router.registry
    }
    assert viewsets
    assert sorted(viewset.__name__ for viewset in viewsets if not viewset.__dict__.get("__doc__")) == []
