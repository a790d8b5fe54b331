from django.db.models import Model

from .bases import GenericViewBase


class CodeLookupMixin(GenericViewBase):
    """For viewsets looked up by a code (JPN, RAA, g7): the code in the URL may come in any case."""

    lookup_normalize = staticmethod(str.upper)

    def get_object(self) -> Model:
        self.kwargs[self.lookup_field] = self.lookup_normalize(self.kwargs[self.lookup_field])
        return super().get_object()
