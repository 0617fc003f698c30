"""JQL for the sandbox: tokenizer → parser → AST → parameterized SQL.

Only a documented subset is understood; anything else is a `JqlError` (a 400 with a Jira-style
``errorMessages`` entry), never a silently wrong answer.
"""

from nivosync.sandbox.jira.jql.ast import Clause, Func, Logical, Not, Query, SortKey
from nivosync.sandbox.jira.jql.errors import JqlError
from nivosync.sandbox.jira.jql.parser import parse

__all__ = ["Clause", "Func", "JqlError", "Logical", "Not", "Query", "SortKey", "parse"]
