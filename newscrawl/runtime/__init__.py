"""What the crawl's processes need from the machine they run on: its cores, and
child processes that end with the crawl process."""
