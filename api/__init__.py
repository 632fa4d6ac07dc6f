"""The HTTP API. Importing the package makes every pydantic `@bp.input` use the API's input rules."""

from api.inputs import install as _install_inputs

_install_inputs()
