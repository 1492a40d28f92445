"""Station operations: one atomic function per action, each taking the acting user as `actor=` and writing its audit
entry in the same transaction. Views, the API and tasks call these; none of them holds a rule of its own.

Bad input raises django.core.exceptions.ValidationError with Chinese messages keyed by field; an action the role never
has raises PermissionDenied; an action the record's state does not allow raises core.exceptions.IllegalTransition.
"""

from .duty import *  # noqa: F403
from .messages import *  # noqa: F403
from .receptions import *  # noqa: F403
from .registry import *  # noqa: F403
