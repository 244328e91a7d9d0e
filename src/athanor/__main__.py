from athanor.cli import main

main()
