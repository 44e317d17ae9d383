from piflow.cli import main

main()
