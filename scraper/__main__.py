"""`python -m scraper`: the `scrape` command."""

from scraper._entry import main

if __name__ == "__main__":
    main()
