from mokmin.cli.main import run

run()
