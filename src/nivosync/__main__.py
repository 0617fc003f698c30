from nivosync.cli import main

main()
