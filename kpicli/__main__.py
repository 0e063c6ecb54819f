"""`python -m kpicli …`: the same as the `kpicli` command."""

from kpicli.cli.app import main

if __name__ == "__main__":
    main()
