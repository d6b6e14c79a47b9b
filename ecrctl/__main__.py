from ecrctl.cli.main import main

main()
