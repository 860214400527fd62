from poe_tui.cli import main

main()
