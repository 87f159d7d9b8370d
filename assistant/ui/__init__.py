"""The officer's browser app: Ask, Agreements, Funding, Letters and Library in one page.

Each tab calls the same functions the CLI calls; nothing here decides anything. Handlers are
module-level functions of the library (tested without a browser in tests/assistant/test_ui.py);
`build_app` only wires them to components. Every handler turns an unexpected exception into
one sentence on the page and the details into the log: no stack trace reaches an officer.

One module per concern: `common` (error decorator, links, theme), one per tab (`ask`,
`agreements`, `funding`, `letters`, `library`), and `app` (the page, the /doc route, logins,
`launch`). The names other code uses are re-exported here, so `from assistant.ui import X`
does not depend on which module X lives in.
"""

from assistant.ui.agreements import agreement_view
from assistant.ui.app import build_app, create_server, launch, login_check, original_response
from assistant.ui.ask import (
    STOPPED,
    WRITING,
    ask_filters,
    chat_reply,
    keep_draft,
    partner_choices,
)
from assistant.ui.common import friendly
from assistant.ui.funding import funding_search, funding_view
from assistant.ui.letters import draft_letter, export_letter
from assistant.ui.library import (
    change_type,
    delete_document,
    document_details,
    document_frame,
    library_summary,
    upload_files,
)

__all__ = [
    "STOPPED",
    "WRITING",
    "agreement_view",
    "ask_filters",
    "build_app",
    "change_type",
    "chat_reply",
    "create_server",
    "delete_document",
    "document_details",
    "document_frame",
    "draft_letter",
    "export_letter",
    "friendly",
    "funding_search",
    "funding_view",
    "keep_draft",
    "launch",
    "library_summary",
    "login_check",
    "original_response",
    "partner_choices",
    "upload_files",
]
