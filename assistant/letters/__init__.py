"""Outreach letters to partner mayors, built only from the agreement and open funding calls.

    writer = LetterWriter(library, today=date(2026, 11, 22))
    letter = writer.run("letter from our Mayor to the Mayor of our partner town Vila Serena "
                        "proposing an exchange of planning staff next spring, referring to our MoU")
    print(letter.to_markdown())
    letter.to_docx("letter.docx")

How a letter is made:
1. The agreement: the partner the request (or `recipient`) names is matched against the parties
   of the stored agreements (`mou` records), then against their countries; when the request
   names no partner at all, the best passage of a retrieval over agreements decides, with a
   warning that the officer should check the choice.
2. Facts, each with its document, page and the document's own words: the agreement's title,
   signing date and place, expiry when it has passed, the signatories with their titles as
   printed, the areas of cooperation and the provision that best support the proposal, and the
   implementing body; and, when one fits, an open grant call (theme close in meaning to the
   proposal, open on `today`, both partners' countries eligible): programme, funder, amount per
   project with currency, deadline with time and time zone, partnership rule.
3. The letter: the template `prompts/letter_en.md` filled with those facts and the officer's
   own words for the proposal (never embellished: "next spring" stays "next spring"). With a
   language model configured, the model writes the letter from the same numbered facts
   (`prompts/letter_system.md`, `prompts/letter_user.md`); the grounding guard then checks
   every date, amount, number and name of the generated letter against the facts, the request
   and the template's own fixed wording. Unsupported facts are marked in the text and listed in
   `warnings`; a letter that is mostly unsupported, or an endpoint that fails, gives the
   template letter with a warning instead.

Names: a partner is addressed by name ("Dear Mayor Amaral,") only when the agreement states
the name and the title shows the person is the mayor (or the office the request names);
otherwise "Dear Mayor,". Names come from the agreement, so a warning always asks the officer to
check that the people still hold office.

A partner we have no agreement with: the letter is REFUSED (`Letter.refused`, mode
"refused"), with a message naming the partner and the agreements that are stored. A letter
to a foreign mayor "referring to our MoU" when no MoU is stored would either invent one or
silently drop what the officer asked for; most often the agreement was never loaded or the
name is misspelt, and the officer is better served by being told so.
"""

from assistant.letters.model import Letter, LetterFact, Person, Proposal
from assistant.letters.writer import LetterWriter

__all__ = ["Letter", "LetterFact", "LetterWriter", "Person", "Proposal"]
