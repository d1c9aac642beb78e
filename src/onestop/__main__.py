"""`python -m onestop` is the `onestop` command."""

from onestop.cli import main

main()
