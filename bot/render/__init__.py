"""Answers -> what a person reads: plain text for the console, embeds for Discord."""

# Under a who-said answer found in other words (bot.answer.synonyms): the reader should check it.
PARAPHRASE_NOTE = "Found in other words than yours: read the quotation to be sure."
