"""The funding radar: which stored grant calls fit a plan, and why, with citations.

A plan is read from plain language ("a joint flood-resilience pilot between our county and
two partner regions in Poland and Germany") or from an agreement in the register (its areas
of cooperation, parties and countries). Each call is then judged in three steps:

1. theme fit by meaning (the plan's topics against the call's priorities, title and
   passages) plus keyword overlap; a call published in two documents (guidelines and a
   notice, or two languages) fits as its better-read document, and a call far below the
   best-fitting one is a by-catch, not a fit;
2. the hard rules the call states (partnership minimum, eligible countries, eligible
   applicants, amount per project: a project's whole cost is judged by the share the call
   pays), each read from the call's extracted fields;
3. its status against an injected ``today`` (open, closing soon, closed).

Only what the call's fields or text say goes into the answer: every amount, date and rule
comes with the page it was read from and a verbatim quote. A rule the plan does not let us
decide (the applicant's own country, say) becomes something to check, never a pass.
"""

from assistant.funding.plan import Plan, PlanReader
from assistant.funding.radar import FundingRadar, FundingResult
from assistant.funding.rows import CallRow, call_rows, lot_rows, same_calls
from assistant.funding.rules import check_amount, check_applicant
from assistant.funding.theme import theme_fit

__all__ = ["CallRow", "FundingRadar", "FundingResult", "Plan", "PlanReader", "call_rows",
           "check_amount", "check_applicant", "lot_rows", "same_calls", "theme_fit"]
