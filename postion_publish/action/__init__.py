"""`postion action`: the GitHub Action's entry point, routed by the event that started the run."""
