"""Where the records live in a blog: `.postion/state.json` and `.postion/ledger.json`. A leaf, so
that every storage module can name them without importing another."""

STATE_DIR = ".postion"
STATE_FILE = "state.json"
LEDGER_FILE = "ledger.json"
