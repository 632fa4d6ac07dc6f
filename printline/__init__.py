"""Application shell of Printline: settings, clock, logging and the `printline` command."""
