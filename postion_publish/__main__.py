from postion_publish.cli import run

run()
