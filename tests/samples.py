# ruff: noqa: E501 - document text keeps its natural line lengths
"""Realistic test documents written by the tests themselves (fictional places and people)."""

from __future__ import annotations

MOU_PAGES = [
    """SISTER CITY AGREEMENT
between the Town of Brackenford (United Kingdom) and the Municipality of Vale do Sol (Portugal)

Illustrative test document: all places and people are fictional.

Preamble
Desiring to promote friendship and understanding between their citizens, the Town of Brackenford and the Municipality of Vale do Sol (hereinafter "the Parties") agree as follows.

Article 1 - Purpose
The Parties establish a sister city relationship to foster cooperation between their communities.

Article 2 - Areas of cooperation
The Parties shall cooperate in the following fields:
1. school exchanges;
2. culture and the arts;
3. sustainable tourism;
4. climate adaptation.
""",
    """Article 3 - Implementing body
A Joint Twinning Committee, meeting once a year, shall implement this Agreement.

Article 4 - Financial arrangements
Each Party shall bear its own costs. Activities are subject to the availability of funds.

Article 5 - Entry into force and duration
This Agreement enters into force on the date of its signature and remains in force for a period of five (5) years. It shall be renewed automatically for further periods of five years.
""",
    """Article 6 - Termination
Either Party may terminate this Agreement by written notice six months in advance.

Signed at Brackenford on 15 June 2022, in two originals in English and Portuguese, both texts being equally authentic.

For the Town of Brackenford: Margaret Ellison, Mayor
For the Municipality of Vale do Sol: Joao Ferreira, President of the Municipal Chamber
""",
]

CALL_TEXT = """GREEN TOWNS COOPERATION FUND
Call for proposals 2026 - Call identifier: GTCF-2026-CLIMA-01

Illustrative test document: the programme and funder are fictional.

1. Objectives
The call supports joint climate-adaptation pilots between municipalities.

2. Eligible applicants
Municipalities and twinning committees from Portugal, Spain and Poland are eligible. Each project needs at least three municipalities from at least two eligible countries.

3. Funding
The total budget of the call is EUR 1,200,000. Grants range between EUR 20,000 and EUR 80,000 per project. The co-financing rate is 80% of eligible costs. Projects last at most 24 months.

4. Deadline
Applications must be submitted by 31 March 2027 at 17:00 CET (Brussels time).
"""
