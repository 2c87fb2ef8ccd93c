from postion_publish.cli import main

main()
