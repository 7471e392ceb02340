"""OpenAPI schema generation tuned to the house style of nested per-view serializers."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    """Names a nested serializer after its enclosing view (``RegisterApi.Input`` → ``RegisterApiInput``).

    Every API view declares its own ``Input``/``Output`` (STYLE §7); named by class name alone they
    would collide as one "Input" component and the schema would be wrong.
    """

    def get_serializer_name(self, serializer, direction) -> str:
        return type(serializer).__qualname__.replace("<locals>.", "").replace(".", "")
