"""What the API's view mixins are combined with, named for the type checker only.

A mixin such as CSVExportMixin calls into the DRF view it is mixed into (`super().list()`, `get_queryset()`).
At run time the mixins stay plain classes, so that they change neither the views' method order nor their
imports (rest_framework.views imports parts of this package through its settings).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from rest_framework import generics, mixins, viewsets

    # Of any model: the view that a mixin is mixed into names it.
    GenericViewBase = generics.GenericAPIView[Any]

    class ListViewSetBase(mixins.ListModelMixin, viewsets.GenericViewSet[Any]):
        """A viewset with a list action: what the list mixins extend."""

else:
    GenericViewBase = ListViewSetBase = object
