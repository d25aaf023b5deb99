"""Pure text functions: tokens, passages, quotations and speakers, time expressions. No I/O."""
