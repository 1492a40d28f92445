"""Staff pages of the roster: persons (persons.py), groups (groups.py) and the Excel import (imports.py)."""
