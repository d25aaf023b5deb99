import logging
from tests.test_admin import slash, PASTED, bot, newsroom, settings  # noqa

async def test_probe(bot, newsroom, caplog):
    caplog.set_level(logging.DEBUG)
    a = await slash(bot, newsroom, newsroom.reader, "add", {"text": PASTED})
    print("RESP", a.responses)
    for r in caplog.records: print("LOG", r.name, r.getMessage()[:300], r.exc_text and r.exc_text[-800:])
